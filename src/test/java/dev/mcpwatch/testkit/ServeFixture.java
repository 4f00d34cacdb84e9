package dev.mcpwatch.testkit;

import dev.mcpwatch.App;
import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.ProbeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;

/**
 * {@code mcpwatch serve} running in the test's JVM on a SQLite file in a temp folder, with its API
 * on a free loopback port. Monitors (and alerting) come from YAML as a user would write them; tests may shorten
 * their intervals below the 10 s a configuration file allows, to keep the suite fast.
 */
public final class ServeFixture implements AutoCloseable {
    private final App app;
    private final Path dir;
    private final List<MonitorConfig> monitors;
    private volatile String token;

    private ServeFixture(App app, Path dir, List<MonitorConfig> monitors) {
        this.app = app;
        this.dir = dir;
        this.monitors = monitors;
    }

    /** Starts with the monitors of {@code yaml}, each given {@code interval} and {@code retry}. */
    public static ServeFixture start(Path dir, String yaml, Duration interval, Duration retry) {
        try {
            McpwatchConfig loaded = new ConfigLoader(k -> null).loadText(yaml, "test.yaml");
            List<MonitorConfig> fast = loaded.monitors().stream().map(m -> timing(m, interval, retry)).toList();
            McpwatchConfig c = config(dir, fast);
            return new ServeFixture(App.start(new McpwatchConfig(c.server(), c.storage(), c.monitors(), null, loaded.alerting(), null,
                    loaded.canaries(), loaded.slos(), loaded.runbooks()), null), dir,
                    fast);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Starts with the monitors and alerting of {@code yaml} on {@code clock}, a {@link TestClock} set
     * years ahead of the wall clock: the database scheduler (which keeps the wall clock) never gets to
     * their first probe, so nothing is probed, and the test records every result itself
     * ({@link #record}) at the clock's time and moves the clock instead of sleeping.
     */
    public static ServeFixture startOn(TestClock clock, Path dir, String yaml) {
        try {
            McpwatchConfig loaded = new ConfigLoader(k -> null).loadText(yaml, "test.yaml");
            McpwatchConfig c = config(dir, loaded.monitors());
            return new ServeFixture(App.start(new McpwatchConfig(c.server(), c.storage(), c.monitors(), null, loaded.alerting(), null,
                    loaded.canaries(), loaded.slos(), loaded.runbooks()), null, clock),
                    dir, loaded.monitors());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Starts from a configuration file, watched for changes like {@code serve --config FILE}. */
    public static ServeFixture startWatching(Path dir, Path file) throws ConfigException {
        McpwatchConfig loaded = new ConfigLoader(k -> null).load(file);
        McpwatchConfig withStorage = config(dir, loaded.monitors());
        return new ServeFixture(App.start(withStorage, file), dir, loaded.monitors());
    }

    public static McpwatchConfig config(Path dir, List<MonitorConfig> monitors) {
        StorageSettings storage = new StorageSettings("jdbc:sqlite:" + dir.resolve("mcpwatch.db"), null, null, Duration.ofDays(7),
                Duration.ofDays(400), 10_000);
        ServerSettings server = new ServerSettings("127.0.0.1", 0, null, "test", 64);
        return new McpwatchConfig(server, storage, monitors, null);
    }

    public static MonitorConfig timing(MonitorConfig m, Duration interval, Duration retry) {
        Duration timeout = m.timeout().compareTo(interval) < 0 ? m.timeout() : interval.dividedBy(2);
        return new MonitorConfig(m.id(), m.name(), m.transport(), m.url(), m.command(), m.env(), m.cwd(), m.protocol(), m.headers(),
                interval, timeout, m.initializeTimeout().compareTo(timeout) < 0 ? m.initializeTimeout() : timeout, retry,
                m.failureThreshold(), m.successThreshold(), m.minTools(), m.requiredTools(), m.call(), m.tags(), m.runbookUrl(),
                m.locations(), m.trustedCertificates(), m.paused(), m.calls(), m.detection(), m.oauth(), m.allowInsecureRedirect(), m.remediation());
    }

    public App app() {
        return app;
    }

    public Path dir() {
        return dir;
    }

    public MonitorConfig monitor(String id) {
        return monitors.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    /** Records a result of {@code monitorId} as a probe finishing one second after it started would. */
    public ResultRecorder.Recorded record(String monitorId, ProbeResult result) {
        ResultRecorder.Recorded r = app.recorder().record(monitor(monitorId), result, result.startedAt().toEpochMilli() + 1_000);
        if (r == null) {
            throw new IllegalStateException("the result was not written: " + app.recorder().health());
        }
        return r;
    }

    /**
     * An API token for writes (acknowledging, drift ack, adding monitors): sets the admin password
     * if none is set yet, as an operator must before the API accepts writes, and creates a token.
     */
    public String apiToken() {
        try {
            var auth = new dev.mcpwatch.auth.AuthService(app.database(), () -> dev.mcpwatch.config.WebSettings.DEFAULT,
                    InstantSource.system());
            if (!auth.passwordSet()) {
                auth.setPassword(dev.mcpwatch.auth.AuthService.DEFAULT_USER, "a test password of some length");
            }
            token = auth.createToken("tests", dev.mcpwatch.auth.AuthService.DEFAULT_USER);
            return token;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String base() {
        return "http://127.0.0.1:" + app.port();
    }

    /** GETs an API path and returns the parsed JSON body (any status), with this fixture's API token once it has one. */
    public JsonNode get(String path) {
        return Http.getJson(base() + path, token);
    }

    public int status(String path) {
        return Http.status(base() + path, token);
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@code within}. */
    public static void await(String what, Duration within, BooleanSupplier condition) {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("timed out after " + within.toSeconds() + " s waiting for " + what);
    }

    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
