package dev.mcpwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.DemoData;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document cannot drift from the API: a running server with weeks of history (monitors, a schema
 * drift, past and open incidents, a canary, SLOs, a webhook channel) answers every documented operation, each
 * request and answer is checked against the document ({@link OpenApiContract}), and every {@code /api} route
 * the server registers must be in the document and the other way round. A new route fails this test until it is
 * documented and given a line in {@link #calls()}.
 */
class OpenApiContractTest {
    private static Path dir;
    private static FixtureServer weather;
    private static FixtureServer search;
    private static Receiver hook;
    private static WebFixture web;
    private static String token;
    private static WebFixture.Client session;
    private static final Map<String, String> values = new LinkedHashMap<>();

    /**
     * One line per call, in the order they run (later lines may rely on earlier ones: a monitor is created before
     * it is paused). {@code $open}, {@code $resolved} and {@code $none} stand for incident ids of the fixture.
     */
    private static List<Call> calls() {
        return List.of(
                call("GET /api/openapi.json", "/api/openapi.json", 200).anonymous(),
                call("GET /api/docs", "/api/docs", 200).anonymous(),

                call("GET /api/locations", "/api/locations", 200),
                call("GET /api/locations", "/api/locations", 401).anonymous(),
                call("GET /api/monitors", "/api/monitors?limit=2&tag=prod", 200),
                call("GET /api/monitors", "/api/monitors?status=up&q=weather", 200).bySession(),
                call("GET /api/monitors", "/api/monitors?status=sideways", 400),
                call("GET /api/monitors", "/api/monitors", 401).anonymous(),
                call("GET /api/monitors", "/api/monitors", 401).token("mcpw_not-a-token"),
                call("POST /api/monitors", "/api/monitors", 201).body("{\"id\": \"api-made\", \"url\": \"" + "http://127.0.0.1:9/mcp\", \"interval\": \"1h\", \"tags\": [\"api\"]}"),
                call("POST /api/monitors", "/api/monitors", 201).bySession().body("{\"id\": \"by-session\", \"url\": \"http://127.0.0.1:9/mcp\"}"),
                call("POST /api/monitors", "/api/monitors", 400).body("{\"id\": \"api-made\", \"url\": \"http://127.0.0.1:9/mcp\"}"),
                call("POST /api/monitors", "/api/monitors", 403).bySession().noCsrf().body("{\"id\": \"refused\", \"url\": \"http://127.0.0.1:9/mcp\"}"),
                call("GET /api/monitors/{id}", "/api/monitors/weather", 200),
                call("GET /api/monitors/{id}", "/api/monitors/nope", 404),
                call("PUT /api/monitors/{id}", "/api/monitors/api-made", 200).body("{\"url\": \"http://127.0.0.1:9/mcp\", \"name\": \"Made by the API\"}"),
                call("PUT /api/monitors/{id}", "/api/monitors/weather", 400).body("{\"url\": \"http://127.0.0.1:9/mcp\"}"),
                call("POST /api/monitors/{id}/pause", "/api/monitors/api-made/pause", 200),
                call("POST /api/monitors/{id}/pause", "/api/monitors/weather/pause", 400),
                call("POST /api/monitors/{id}/resume", "/api/monitors/api-made/resume", 200),
                call("POST /api/monitors/{id}/resume", "/api/monitors/weather/resume", 400),
                call("DELETE /api/monitors/{id}", "/api/monitors/by-session", 204),
                call("DELETE /api/monitors/{id}", "/api/monitors/weather", 400),
                call("GET /api/monitors/{id}/results", "/api/monitors/weather/results?limit=3", 200),
                call("GET /api/monitors/{id}/results", "/api/monitors/files/results?from=2020-01-01T00:00:00Z&limit=2", 200),
                call("GET /api/monitors/{id}/results", "/api/monitors/weather/results?limit=0", 400),
                call("GET /api/monitors/{id}/stats", "/api/monitors/weather/stats", 200),
                call("GET /api/monitors/{id}/stats", "/api/monitors/nope/stats", 404),
                call("GET /api/monitors/{id}/series", "/api/monitors/weather/series?resolution=day&from=" + (System.currentTimeMillis() - 30L * 86_400_000), 200),
                call("GET /api/monitors/{id}/series", "/api/monitors/weather/series?resolution=week", 400),
                call("GET /api/monitors/{id}/tools", "/api/monitors/weather/tools", 200),
                call("GET /api/monitors/{id}/tools", "/api/monitors/nope/tools", 404),
                call("GET /api/monitors/{id}/incidents", "/api/monitors/files/incidents", 200),
                call("GET /api/monitors/{id}/incidents", "/api/monitors/nope/incidents", 404),

                call("GET /api/monitors/{id}/drift", "/api/monitors/weather/drift", 200),
                call("GET /api/monitors/{id}/drift", "/api/monitors/nope/drift", 404),
                call("GET /api/monitors/{id}/drift/diff", "/api/monitors/weather/drift/diff", 200),
                call("GET /api/monitors/{id}/drift/diff", "/api/monitors/weather/drift/diff?from=999999", 404),
                call("GET /api/monitors/{id}/drifts", "/api/monitors/weather/drifts?limit=5", 200),
                call("GET /api/monitors/{id}/drifts", "/api/monitors/weather/drifts?cursor=%21%21", 400),
                call("POST /api/monitors/{id}/drift/ack", "/api/monitors/weather/drift/ack", 409).body("{\"fingerprint\": \"deadbeef\"}"),
                call("POST /api/monitors/{id}/drift/ack", "/api/monitors/weather/drift/ack", 200).body("{\"by\": \"contract test\", \"note\": \"v2 is expected\"}"),
                call("GET /api/monitors/{id}/warnings", "/api/monitors/weather/warnings?active=true", 200),
                call("GET /api/monitors/{id}/warnings", "/api/monitors/nope/warnings", 404),
                call("GET /api/warnings", "/api/warnings?monitor=weather&limit=10", 200),
                call("GET /api/warnings", "/api/warnings?limit=x", 400),
                call("GET /api/monitors/{id}/detection", "/api/monitors/weather/detection", 200),
                call("GET /api/monitors/{id}/detection", "/api/monitors/nope/detection", 404),

                call("GET /api/incidents", "/api/incidents?status=resolved&limit=1", 200),
                call("GET /api/incidents", "/api/incidents?monitor=files&status=open", 200),
                call("GET /api/incidents", "/api/incidents?status=closed", 400),
                call("GET /api/incidents/{id}", "/api/incidents/$open", 200),
                call("GET /api/incidents/{id}", "/api/incidents/$none", 404),
                call("GET /api/incidents/{id}", "/api/incidents/first", 400),
                call("POST /api/incidents/{id}/ack", "/api/incidents/$open/ack", 200).body("{\"by\": \"alice\"}"),
                call("POST /api/incidents/{id}/ack", "/api/incidents/$resolved/ack", 409),
                call("GET /api/incidents/{id}/deliveries", "/api/incidents/$open/deliveries", 200),
                call("GET /api/incidents/{id}/deliveries", "/api/incidents/$none/deliveries", 404),
                call("POST /api/incidents/{id}/updates", "/api/incidents/$open/updates", 201).body("{\"status\": \"identified\", \"message\": \"Port 9 is closed.\"}"),
                call("POST /api/incidents/{id}/updates", "/api/incidents/$open/updates", 400).body("{\"status\": \"fixed\", \"message\": \"Done.\"}"),
                call("GET /api/incidents/{id}/updates", "/api/incidents/$open/updates", 200),
                call("GET /api/incidents/{id}/updates", "/api/incidents/$none/updates", 404),
                call("GET /api/incidents/{id}/postmortem", "/api/incidents/$resolved/postmortem", 200),
                call("GET /api/incidents/{id}/postmortem", "/api/incidents/$resolved/postmortem?format=json", 200),
                call("GET /api/incidents/{id}/postmortem", "/api/incidents/$resolved/postmortem?format=pdf", 400),
                call("PUT /api/incidents/{id}/postmortem", "/api/incidents/$resolved/postmortem", 200).body("{\"markdown\": \"# What happened\\n\\nThe server timed out.\"}"),
                call("PUT /api/incidents/{id}/postmortem", "/api/incidents/$resolved/postmortem", 200).body("text/markdown", "# What happened\n\nIt timed out."),
                call("PUT /api/incidents/{id}/postmortem", "/api/incidents/$resolved/postmortem", 400).body("{\"markdown\": 42}"),

                call("GET /api/alerting/channels", "/api/alerting/channels", 200),
                call("GET /api/alerting/channels", "/api/alerting/channels", 401).anonymous(),
                call("POST /api/alerting/channels/{name}/test", "/api/alerting/channels/ops/test", 200),
                call("POST /api/alerting/channels/{name}/test", "/api/alerting/channels/down/test", 502),
                call("GET /api/alerting/deliveries", "/api/alerting/deliveries?limit=5", 200),
                call("GET /api/alerting/deliveries", "/api/alerting/deliveries?status=lost", 400),

                call("GET /api/reliability", "/api/reliability?tag=prod&incidents=true", 200),
                call("GET /api/reliability", "/api/reliability?monitor=weather&group=none&from=2020-01-01T00:00:00Z", 200),
                call("GET /api/reliability", "/api/reliability?group=week", 400),
                call("GET /api/slos", "/api/slos", 200),
                call("GET /api/slos", "/api/slos", 401).token("mcpw_revoked-or-never-made"),
                call("POST /api/slos", "/api/slos", 201).body("{\"id\": \"weather-fast\", \"monitor\": \"weather\", \"objective\": \"latency\", \"target\": \"99%\", \"threshold\": \"800ms\"}"),
                call("POST /api/slos", "/api/slos", 400).body("{\"id\": \"bad\", \"monitor\": \"weather\", \"target\": \"most\"}"),
                call("POST /api/slos", "/api/slos", 409).body("{\"id\": \"prod-availability\", \"tag\": \"prod\", \"target\": \"99%\"}"),
                call("GET /api/slos/{id}", "/api/slos/prod-availability", 200),
                call("GET /api/slos/{id}", "/api/slos/nope", 404),
                call("PUT /api/slos/{id}", "/api/slos/weather-fast", 200).body("{\"monitor\": \"weather\", \"target\": \"99.5%\"}"),
                call("PUT /api/slos/{id}", "/api/slos/weather-fast", 400).body("{\"monitor\": \"weather\", \"objective\": \"speed\", \"target\": \"99%\"}"),
                call("PUT /api/slos/{id}", "/api/slos/nope", 404).body("{\"monitor\": \"weather\", \"target\": \"99%\"}"),
                call("PUT /api/slos/{id}", "/api/slos/prod-availability", 409).body("{\"tag\": \"prod\", \"target\": \"99%\"}"),
                call("DELETE /api/slos/{id}", "/api/slos/weather-fast", 204),
                call("DELETE /api/slos/{id}", "/api/slos/nope", 404),
                call("DELETE /api/slos/{id}", "/api/slos/prod-availability", 409),

                call("GET /api/canaries", "/api/canaries", 200),
                call("GET /api/canaries", "/api/canaries", 401).anonymous(),
                call("POST /api/canaries", "/api/canaries", 201).body("{\"id\": \"files-next\", \"stable\": \"files\", \"canary\": \"api-made\", \"stage\": 5}"),
                call("POST /api/canaries", "/api/canaries", 400).body("{\"id\": \"bad\", \"stable\": \"files\", \"canary\": \"api-made\", \"stage\": \"most\"}"),
                call("GET /api/canaries/{id}", "/api/canaries/search-next", 200),
                call("GET /api/canaries/{id}", "/api/canaries/nope", 404),
                call("POST /api/canaries/{id}/stage", "/api/canaries/files-next/stage", 200).body("{\"stage\": 25, \"by\": \"alice\"}"),
                call("POST /api/canaries/{id}/stage", "/api/canaries/files-next/stage", 400).body("{\"stage\": \"half\"}"),
                call("DELETE /api/canaries/{id}", "/api/canaries/files-next", 204),
                call("DELETE /api/canaries/{id}", "/api/canaries/search-next", 409));
    }

    @BeforeAll
    static void start() throws Exception {
        dir = ServeFixture.tempDir("mcpwatch-openapi-");
        weather = FixtureServer.http(DemoData.server(DemoData.WEATHER_TOOLS));
        search = FixtureServer.http(DemoData.server(DemoData.SEARCH_TOOLS));
        hook = Receiver.start();
        String yaml = """
                monitors:
                  - {id: weather, name: Weather MCP, url: '%s', tags: [prod, team-weather]}
                  - {id: search, name: Search MCP, url: '%s', tags: [prod]}
                  - {id: files, name: Files MCP, url: 'http://127.0.0.1:9/mcp', tags: [prod]}
                alerting:
                  channels:
                    ops: {type: webhook, url: '%s'}
                    down: {type: webhook, url: 'http://127.0.0.1:9/hook'}
                canaries:
                  - {id: search-next, stable: weather, canary: search, stage: 25}
                slos:
                  - {id: prod-availability, name: Prod availability, tag: prod, target: 99.9%%}
                """.formatted(weather.url("/mcp"), search.url("/mcp"), hook.url("/hook"));
        DemoData.seed(dir, Results.monitors(yaml));
        web = WebFixture.start(dir, yaml);
        token = web.apiToken();
        session = web.loggedIn();
        session.get("/"); // a page of the session, whose CSRF token scripts send as X-CSRF-Token
        var db = web.app().database();
        values.put("$open", Long.toString(Databases.count(db, "SELECT MAX(id) FROM incidents WHERE monitor_id = 'files' AND resolved_at IS NULL")));
        values.put("$resolved", Long.toString(Databases.count(db, "SELECT MAX(id) FROM incidents WHERE monitor_id = 'weather' AND resolved_at IS NOT NULL")));
        values.put("$none", "999999");
    }

    @AfterAll
    static void stop() {
        if (web != null) {
            web.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {weather, search, hook}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing fixtures; nothing left to check
            }
        }
    }

    @Test
    void everyCallAndAnswerIsWhatTheDocumentSays() throws Exception {
        OpenApiContract contract = new OpenApiContract(ApiDocsRoutes.document());
        List<String> problems = new ArrayList<>();
        for (Call call : calls()) {
            String uri = substitute(call.uri);
            WebFixture.Response r = send(call, uri);
            if (r.status() != call.status) {
                problems.add(call.operation + " " + uri + ": expected " + call.status + ", got " + r.status() + " " + r.body());
                continue;
            }
            boolean checkRequest = r.status() < 400 || call.status == 401 || call.status == 403;
            for (String p : contract.check(call.operation, uri, call.contentType, call.body, checkRequest, r.status(), r.header("content-type"),
                    r.body())) {
                problems.add(call.operation + " " + uri + " → " + r.status() + ": " + p);
            }
        }
        assertThat(problems).as("answers and requests that are not what the document says").isEmpty();
    }

    @Test
    void everyDocumentedOperationIsCalledAndAnswersSuccessfullyAtLeastOnce() {
        Set<String> succeeded = new TreeSet<>();
        Set<String> failedOnPurpose = new TreeSet<>();
        for (Call c : calls()) {
            (c.status < 400 ? succeeded : failedOnPurpose).add(c.operation);
        }
        Set<String> documented = new OpenApiContract(ApiDocsRoutes.document()).operations();
        assertThat(succeeded).as("operations called with a valid request").containsExactlyInAnyOrderElementsOf(documented);
        Set<String> noErrorCalled = new TreeSet<>(documented);
        noErrorCalled.removeAll(failedOnPurpose);
        // The document's own two routes cannot fail short of a broken jar; every other operation is called into an error once.
        assertThat(noErrorCalled).as("operations never called into a documented error").containsExactly("GET /api/docs", "GET /api/openapi.json");
    }

    @Test
    void theCheckerRefusesWhatTheDocumentDoesNotSay() {
        OpenApiContract contract = new OpenApiContract(ApiDocsRoutes.document());
        String monitor = "{\"id\": \"m\", \"name\": \"m\"}";
        String error = "{\"error\": \"no monitor 'm'\"}";
        assertThat(contract.check("GET /api/monitors/{id}", "/api/monitors/m", null, null, true, 200, "application/json", monitor))
                .as("an answer missing required fields").anyMatch(p -> p.contains("required"));
        assertThat(contract.check("GET /api/monitors/{id}", "/api/monitors/m", null, null, true, 418, "application/json", error))
                .as("a status the operation does not list").anyMatch(p -> p.contains("418 is not documented"));
        assertThat(contract.check("GET /api/monitors/{id}", "/api/monitors/m?verbose=1", null, null, true, 404, "application/json", error))
                .as("an undocumented query parameter").anyMatch(p -> p.contains("'verbose' is not documented"));
        assertThat(contract.check("GET /api/monitors", "/api/monitors?status=sideways", null, null, true, 400, "application/json", error))
                .as("a parameter outside its schema").anyMatch(p -> p.contains("query parameter 'status'"));
        assertThat(contract.check("POST /api/incidents/{id}/updates", "/api/incidents/1/updates", "application/json", "{\"status\": \"fixed\"}",
                true, 404, "application/json", error)).as("a body outside its schema").anyMatch(p -> p.contains("request body"));
        assertThat(contract.check("GET /api/monitors/{id}", "/api/monitors/m", null, null, true, 404, "text/html", "<p>no</p>"))
                .as("another media type").anyMatch(p -> p.contains("came as text/html"));
        assertThat(contract.check("PATCH /api/monitors/{id}", "/api/monitors/m", null, null, true, 200, "application/json", monitor))
                .as("an operation the document does not have").containsExactly("PATCH /api/monitors/{id} is not in the document");
        assertThat(contract.check("GET /api/monitors/{id}", "/api/monitors/m", null, null, true, 404, "application/json", error)).isEmpty();
    }

    @Test
    void theServerHasNoApiRouteTheDocumentLeavesOutAndNoneMissing() {
        Set<String> served = new TreeSet<>();
        for (WebServer.Endpoint e : web.app().endpoints()) {
            if (e.path().equals("/api") || e.path().startsWith("/api/")) {
                served.add(e.method() + " " + e.path());
            }
        }
        assertThat(served).as("the server's /api routes").isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(new OpenApiContract(ApiDocsRoutes.document()).operations());
    }

    @Test
    void theDocumentIsOpenApi31WithBothWaysToSignIn() throws Exception {
        JsonNode doc = Json.MAPPER.readTree(web.client().get("/api/openapi.json").body());
        assertThat(doc.path("openapi").asString()).startsWith("3.1.");
        assertThat(doc.path("components").path("securitySchemes").propertyNames()).containsExactlyInAnyOrder("apiToken", "session", "csrfToken");
        assertThat(doc.at("/components/securitySchemes/csrfToken/name").asString()).isEqualTo("X-CSRF-Token");
        for (String op : new OpenApiContract(doc).operations()) {
            if (!op.startsWith("GET ")) {
                String[] parts = op.split(" ", 2);
                JsonNode security = doc.at("/paths/" + OpenApiContract.escape(parts[1]) + "/" + parts[0].toLowerCase(java.util.Locale.ROOT) + "/security");
                assertThat(security.toString()).as(op + ": a change with the session cookie needs its CSRF token")
                        .isEqualTo("[{\"apiToken\":[]},{\"session\":[],\"csrfToken\":[]}]");
            }
        }
        assertThat(doc.at("/components/securitySchemes/apiToken/scheme").asString()).isEqualTo("bearer");
        assertThat(doc.at("/components/securitySchemes/session/in").asString()).isEqualTo("cookie");
        assertThat(doc).isEqualTo(ApiDocsRoutes.document());
    }

    @Test
    void theDocsPageRendersTheDocumentWithSwaggerUiFromTheJar() throws Exception {
        WebFixture.Client anyone = web.client();
        WebFixture.Response page = anyone.get("/api/docs");
        assertThat(page.header("content-security-policy")).contains("script-src 'self'").doesNotContain("http");
        Matcher src = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
        Set<String> linked = new LinkedHashSet<>();
        while (src.find()) {
            linked.add(src.group(1));
        }
        assertThat(linked).containsExactly("/assets/swagger-ui/swagger-ui.css", "/assets/swagger-ui/swagger-ui-bundle.js", "/assets/api-docs.js");
        for (String asset : linked) {
            WebFixture.Response r = anyone.get(asset);
            assertThat(r.status()).as(asset).isEqualTo(200);
            assertThat(r.body()).as(asset).isNotBlank();
        }
        assertThat(anyone.get("/assets/swagger-ui/swagger-ui-bundle.js").body()).as("the bundle").contains("SwaggerUIBundle");
        assertThat(anyone.get("/assets/api-docs.js").body()).contains("/api/openapi.json");
        assertThat(anyone.get("/assets/swagger-ui/index.html").status()).as("only the two files the page uses are served").isEqualTo(404);
    }

    private static WebFixture.Response send(Call call, String uri) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        WebFixture.Client client;
        if (call.auth == Auth.SESSION) {
            client = session;
            if (!call.noCsrf) {
                headers.put("X-CSRF-Token", session.csrf());
            }
        } else {
            client = web.client();
            if (call.auth == Auth.TOKEN) {
                headers.put("Authorization", "Bearer " + (call.token == null ? token : call.token));
            }
        }
        String method = call.operation.substring(0, call.operation.indexOf(' '));
        return client.send(method, uri, call.body == null ? null : call.contentType, call.body, headers);
    }

    private static String substitute(String uri) {
        String out = uri;
        for (Map.Entry<String, String> v : values.entrySet()) {
            out = out.replace(v.getKey(), v.getValue());
        }
        return out;
    }

    private static Call call(String operation, String uri, int status) {
        return new Call(operation, uri, status);
    }

    private enum Auth { TOKEN, SESSION, NONE }

    /** One request of the table: which documented operation, the URI sent, the status expected, who sends it. */
    private static final class Call {
        final String operation;
        final String uri;
        final int status;
        Auth auth = Auth.TOKEN;
        String token;
        boolean noCsrf;
        String contentType = "application/json";
        String body;

        Call(String operation, String uri, int status) {
            this.operation = operation;
            this.uri = uri;
            this.status = status;
        }

        Call body(String json) {
            this.body = json;
            return this;
        }

        Call body(String type, String text) {
            this.contentType = type;
            this.body = text;
            return this;
        }

        Call anonymous() {
            this.auth = Auth.NONE;
            return this;
        }

        Call bySession() {
            this.auth = Auth.SESSION;
            return this;
        }

        Call noCsrf() {
            this.noCsrf = true;
            return this;
        }

        Call token(String other) {
            this.token = other;
            return this;
        }
    }
}
