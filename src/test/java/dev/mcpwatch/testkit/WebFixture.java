package dev.mcpwatch.testkit;

import dev.mcpwatch.App;
import dev.mcpwatch.auth.AuthService;
import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.ProbeResult;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code mcpwatch serve} with its dashboard and status pages, in the test's JVM on a SQLite file,
 * listening on a free loopback port; monitors and status pages from YAML as an operator writes
 * them. Results are recorded through the real recorder (so incidents open and events fire), and
 * {@link Client} is a small browser: it keeps cookies, follows no redirects, and finds the CSRF token
 * of the last page for the next form.
 */
public final class WebFixture implements AutoCloseable {
    public static final String PASSWORD = "correct horse battery";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final App app;
    private final McpwatchConfig config;

    private WebFixture(App app, McpwatchConfig config) {
        this.app = app;
        this.config = config;
    }

    /** Starts with the monitors, alerting, status pages and web settings of {@code yaml}; server and storage are the test's. */
    public static WebFixture start(Path dir, String yaml) {
        return start(dir, yaml, (String) null);
    }

    /** The same, with {@code server.public_url} set (absolute links in feeds). */
    public static WebFixture start(Path dir, String yaml, String publicUrl) {
        return start(dir, yaml, publicUrl, null);
    }

    /**
     * The same, every monitor probed every {@code interval} (and re-probed every half of it after a
     * failure), below the 10 s a configuration file allows, so probing tests stay short.
     */
    public static WebFixture start(Path dir, String yaml, String publicUrl, Duration interval) {
        return start(dir, yaml, publicUrl, interval, InstantSource.system());
    }

    /** The same, with {@code clock} as the server's one source of time (a {@link TestClock} a test moves). */
    public static WebFixture start(Path dir, String yaml, InstantSource clock) {
        return start(dir, yaml, null, null, clock);
    }

    /**
     * On {@code clock}, a {@link TestClock} set years ahead of the wall clock: nothing is probed on
     * schedule, the test records results itself ({@link #record}) and moves the clock.
     */
    public static WebFixture startOn(TestClock clock, Path dir, String yaml) {
        return start(dir, yaml, null, null, clock);
    }

    private static WebFixture start(Path dir, String yaml, String publicUrl, Duration interval, InstantSource clock) {
        try {
            McpwatchConfig loaded = new ConfigLoader(k -> null).loadText(yaml, "test.yaml");
            List<MonitorConfig> monitors = interval == null ? loaded.monitors()
                    : loaded.monitors().stream().map(m -> ServeFixture.timing(m, interval, interval.dividedBy(2))).toList();
            McpwatchConfig config = new McpwatchConfig(new ServerSettings("127.0.0.1", 0, publicUrl, "test", 16),
                    new StorageSettings("jdbc:sqlite:" + dir.resolve("mcpwatch.db"), null, null, Duration.ofDays(7), Duration.ofDays(400),
                            10_000), monitors, null, loaded.alerting(), loaded.web(), loaded.canaries(), loaded.slos(), loaded.runbooks());
            return new WebFixture(App.start(config, null, clock), config);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public App app() {
        return app;
    }

    public int port() {
        return app.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public MonitorConfig monitor(String id) {
        return config.monitor(id).orElseThrow();
    }

    public WebSettings web() {
        return config.web();
    }

    /** Records a result as if a probe of {@code monitorId} had just finished, one second after it started. */
    public ResultRecorder.Recorded record(String monitorId, ProbeResult result) {
        ResultRecorder.Recorded r = app.recorder().record(monitor(monitorId), result, result.startedAt().toEpochMilli() + 1_000);
        if (r == null) {
            throw new IllegalStateException("the result was not written: " + app.recorder().health());
        }
        return r;
    }

    /** Sets the operator password the way {@code mcpwatch user set-password} does. */
    public void setPassword(String password) throws SQLException {
        new AuthService(app.database(), () -> config.web(), InstantSource.system()).setPassword(AuthService.DEFAULT_USER, password);
    }

    /** A client already logged in as admin (the password is set first if needed). */
    public Client loggedIn() throws Exception {
        setPassword(PASSWORD);
        Client c = client();
        c.get("/login");
        Response r = c.post("/login", Map.of("user", "admin", "password", PASSWORD));
        if (r.status() != 303) {
            throw new IllegalStateException("login failed: " + r.status() + " " + r.body());
        }
        return c;
    }

    /** An API token of admin (the password is set first if needed), for the CLI and scripts. */
    public String apiToken() throws SQLException {
        setPassword(PASSWORD);
        return new AuthService(app.database(), () -> config.web(), InstantSource.system()).createToken("tests", AuthService.DEFAULT_USER);
    }

    public Client client() {
        return new Client();
    }

    @Override
    public void close() {
        app.close();
    }

    /** One answer: status, headers (lower-case names), body. */
    public record Response(int status, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.getFirst();
        }

        public List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
        }
    }

    /** A cookie-keeping client; remembers the CSRF token of the last page it read. */
    public final class Client {
        private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
        private final Map<String, String> cookies = new LinkedHashMap<>();
        private String csrf;

        public Response get(String path) throws IOException, InterruptedException {
            return send(request(path).GET(), path);
        }

        public Response get(String path, String header, String value) throws IOException, InterruptedException {
            return send(request(path).header(header, value).GET(), path);
        }

        /** Posts a form with the CSRF token of the last page read (unless the form names its own _csrf). */
        public Response post(String path, Map<String, String> form) throws IOException, InterruptedException {
            Map<String, String> fields = new LinkedHashMap<>();
            if (csrf != null) {
                fields.put("_csrf", csrf);
            }
            fields.putAll(form);
            return postRaw(path, fields, Map.of());
        }

        public Response postRaw(String path, Map<String, String> fields, Map<String, String> headers) throws IOException, InterruptedException {
            String body = fields.entrySet().stream()
                    .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            HttpRequest.Builder b = request(path).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(b::header);
            return send(b, path);
        }

        public Response json(String method, String path, String json, Map<String, String> headers) throws IOException, InterruptedException {
            HttpRequest.Builder b = request(path).header("Content-Type", "application/json")
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            headers.forEach(b::header);
            return send(b, path);
        }

        /** Any request: {@code contentType} and {@code body} may be null (none sent). */
        public Response send(String method, String path, String contentType, String body, Map<String, String> headers)
                throws IOException, InterruptedException {
            HttpRequest.Builder b = request(path).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            headers.forEach(b::header);
            return send(b, path);
        }

        public String csrf() {
            return csrf;
        }

        public String cookie(String name) {
            return cookies.get(name);
        }

        public void cookie(String name, String value) {
            cookies.put(name, value);
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20));
            if (!cookies.isEmpty()) {
                b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
            }
            return b;
        }

        private Response send(HttpRequest.Builder b, String path) throws IOException, InterruptedException {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            for (String set : r.headers().allValues("set-cookie")) {
                String pair = set.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq);
                String value = pair.substring(eq + 1);
                if (value.isEmpty() || set.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            Matcher m = CSRF.matcher(r.body());
            if (m.find()) {
                csrf = m.group(1);
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
            return new Response(r.statusCode(), headers, r.body());
        }
    }
}
