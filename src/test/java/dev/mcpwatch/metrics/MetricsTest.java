package dev.mcpwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.App;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of a running mcpwatch whose monitors were probed (results recorded on a test
 * clock): the per-monitor series by monitor id, the state set, severity and tool count, the
 * self-metrics, both text formats by {@code Accept}, and who may read them.
 */
class MetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static final String MONITORS = """
            monitors:
              - id: good
                url: http://127.0.0.1:9/mcp?key=SECRET-IN-URL
              - id: bad
                url: http://127.0.0.1:9/mcp
            """;

    /** Starts mcpwatch on {@code clock} with the monitors above and {@code extra} configuration, and probes both monitors. */
    static App serve(TestClock clock, Path dir, String extra) throws Exception {
        McpwatchConfig loaded = new ConfigLoader(k -> null).loadText(MONITORS + extra, "test.yaml");
        McpwatchConfig c = ServeFixture.config(dir, loaded.monitors());
        App app = App.start(new McpwatchConfig(c.server(), c.storage(), c.monitors(), null, loaded.alerting(), loaded.web()), null, clock);
        Instant t = clock.instant();
        for (int i = 0; i < 3; i++) {
            Instant at = t.plusSeconds(10L * i);
            record(app, loaded, "good", Results.healthy(at, 120, Results.tools("echo", "add", "sum")));
            record(app, loaded, "bad", Results.failed(at, Reason.CONNECTION_REFUSED, Phase.CONNECT, "refused"));
        }
        return app;
    }

    private static void record(App app, McpwatchConfig config, String id, dev.mcpwatch.probe.ProbeResult r) {
        var m = config.monitors().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        assertThat(app.recorder().record(m, r, r.startedAt().toEpochMilli() + 1_000)).isNotNull();
    }

    static HttpResponse<String> get(App app, String accept, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/metrics"));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void exposesEachMonitorBySeriesLabelledWithItsIdOnly() throws Exception {
        TestClock clock = TestClock.at("2031-03-02T10:00:00Z");
        try (App app = serve(clock, ServeFixture.tempDir("metrics"), "")) {
            HttpResponse<String> r = get(app, "text/plain", null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
            String body = r.body();
            assertThat(body).contains("mcpwatch_monitor_probe_success{monitor=\"good\"} 1.0")
                    .contains("mcpwatch_monitor_probe_success{monitor=\"bad\"} 0.0")
                    .contains("mcpwatch_monitor_probe_duration_seconds{monitor=\"good\"} 0.12")
                    .contains("mcpwatch_monitor_probe_phase_duration_seconds{monitor=\"good\",phase=\"initialize\"} 0.06")
                    .contains("mcpwatch_monitor_state{monitor=\"bad\",mcpwatch_monitor_state=\"down\"} 1")
                    .contains("mcpwatch_monitor_state{monitor=\"good\",mcpwatch_monitor_state=\"up\"} 1")
                    .contains("mcpwatch_monitor_state{monitor=\"good\",mcpwatch_monitor_state=\"down\"} 0")
                    .contains("mcpwatch_monitor_incident_severity{monitor=\"bad\"} 1.0")
                    .contains("mcpwatch_monitor_incident_severity{monitor=\"good\"} 0.0")
                    .contains("mcpwatch_monitor_tools{monitor=\"good\"} 3.0")
                    .contains("mcpwatch_monitor_pending_drifts{monitor=\"good\"} 0.0")
                    .contains("mcpwatch_monitors 2.0")
                    .contains("mcpwatch_probes_total{reason=\"\",result=\"success\"} 3.0")
                    .contains("mcpwatch_probes_total{reason=\"connection_refused\",result=\"failure\"} 3.0")
                    .contains("mcpwatch_database_write_seconds_count 6")
                    .contains("mcpwatch_results_waiting 0.0")
                    .contains("mcpwatch_metrics_database_readable 1.0")
                    .contains("jvm_memory_used_bytes");
            // Labels carry monitor ids and bounded names only: never a URL, its secret or a server's text.
            assertThat(body).doesNotContain("SECRET-IN-URL").doesNotContain("127.0.0.1:9").doesNotContain("refused\"}");
        }
    }

    @Test
    void answersOpenMetricsWhenTheScraperAsksForIt() throws Exception {
        TestClock clock = TestClock.at("2031-03-02T10:00:00Z");
        try (App app = serve(clock, ServeFixture.tempDir("metrics-om"), "")) {
            HttpResponse<String> r = get(app, "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5", null);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text; version=1.0.0");
            assertThat(r.body()).contains("# TYPE mcpwatch_monitor_state stateset")
                    .contains("# UNIT mcpwatch_monitor_probe_duration_seconds seconds")
                    .contains("mcpwatch_probes_total{reason=\"connection_refused\",result=\"failure\"} 3.0")
                    .endsWith("# EOF\n");
        }
    }

    @Test
    void aConfiguredTokenIsNeededEvenOnLoopback() throws Exception {
        TestClock clock = TestClock.at("2031-03-02T10:00:00Z");
        String token = "metrics-token-0123456789";
        try (App app = serve(clock, ServeFixture.tempDir("metrics-token"), "web:\n  metrics:\n    token: " + token + "\n")) {
            HttpResponse<String> none = get(app, null, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
            assertThat(none.body()).doesNotContain("mcpwatch_");
            assertThat(get(app, null, "Bearer wrong-token-0123456789").statusCode()).isEqualTo(401);
            // An API token or a session is not a metrics token: /metrics is outside the dashboard's login.
            HttpResponse<String> ok = get(app, null, "Bearer " + token);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("mcpwatch_monitor_probe_success{monitor=\"good\"} 1.0");
        }
    }

    @Test
    void basicAuthenticationWhenAUserIsConfigured() throws Exception {
        TestClock clock = TestClock.at("2031-03-02T10:00:00Z");
        String extra = "web:\n  metrics:\n    username: prometheus\n    password: a-long-password\n";
        try (App app = serve(clock, ServeFixture.tempDir("metrics-basic"), extra)) {
            HttpResponse<String> none = get(app, null, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
            assertThat(get(app, null, basic("prometheus", "wrong")).statusCode()).isEqualTo(401);
            assertThat(get(app, null, basic("prometheus", "a-long-password")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aHalfConfiguredAccessIsRefusedByName() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new ConfigLoader(k -> null)
                .loadText(MONITORS + "web:\n  metrics:\n    username: prometheus\n", "test.yaml")))
                .hasMessageContaining("web.metrics.password").hasMessageContaining("username and password go together");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new ConfigLoader(k -> null)
                .loadText(MONITORS + "web:\n  metrics:\n    tokn: x\n", "test.yaml")))
                .hasMessageContaining("web.metrics");
    }

    /** The example dashboard and alerting rules name only metrics that a running mcpwatch exposes. */
    @Test
    void theExampleDashboardAndRulesUseOnlyExposedMetrics() throws Exception {
        TestClock clock = TestClock.at("2031-03-02T10:00:00Z");
        try (App app = serve(clock, ServeFixture.tempDir("metrics-examples"), "")) {
            String body = get(app, "text/plain", null).body();
            java.util.Set<String> exposed = body.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2])
                    .collect(java.util.stream.Collectors.toSet());
            for (String file : java.util.List.of("examples/grafana/mcpwatch.json", "examples/prometheus/rules.yml")) {
                String text = java.nio.file.Files.readString(Path.of(file));
                var names = java.util.regex.Pattern.compile("\\b((?:mcpwatch|jvm)_[a-z_]+)").matcher(text).results().map(m -> m.group(1))
                        .map(n -> n.replaceAll("_(bucket|count|sum)$", "")).collect(java.util.stream.Collectors.toSet());
                assertThat(names).as(file).isNotEmpty();
                // Families without a series are not written: these have none here (no alert channel, no TLS server).
                names.removeAll(java.util.Set.of("mcpwatch_alert_delivery_attempts_total", "mcpwatch_alert_outbox_backlog",
                        "mcpwatch_monitor_certificate_expiry_timestamp_seconds"));
                assertThat(exposed).as(file).containsAll(names);
            }
            tools.jackson.databind.JsonNode dashboard = new tools.jackson.databind.json.JsonMapper().readTree(
                    java.nio.file.Files.readString(Path.of("examples/grafana/mcpwatch.json")));
            assertThat(dashboard.path("panels").size()).isGreaterThan(10);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static void await(String what, Duration within, java.util.function.BooleanSupplier condition) {
        ServeFixture.await(what, within, condition);
    }
}
