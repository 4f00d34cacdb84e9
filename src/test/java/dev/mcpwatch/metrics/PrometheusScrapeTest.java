package dev.mcpwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.App;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (Debian's {@code /usr/bin/prometheus}, installed by {@code ./test}) scrapes a
 * running mcpwatch through its metrics token, and PromQL queries return the monitors' series: the
 * format it negotiates (OpenMetrics), the names and the labels are what Prometheus accepts.
 */
class PrometheusScrapeTest {
    private static final Path PROMETHEUS = Path.of(System.getProperty("mcpwatch.prometheus", "/usr/bin/prometheus"));
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void prometheusScrapesTheMonitorsSeriesAndPromqlFindsThem() throws Exception {
        assertThat(PROMETHEUS).as("Debian's prometheus (./test installs it: apt-get install -y prometheus)").isExecutable();
        Path dir = ServeFixture.tempDir("prometheus-scrape");
        String token = "scrape-token-0123456789abcdef";
        try (App app = MetricsTest.serve(TestClock.at("2031-03-02T10:00:00Z"), dir, "web:\n  metrics:\n    token: " + token + "\n")) {
            int port = freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    rule_files: ['%s']
                    scrape_configs:
                      - job_name: mcpwatch
                        authorization:
                          credentials: %s
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(Path.of("examples/prometheus/rules.yml").toAbsolutePath(), token, app.port()));
            Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + port;
                AtomicReference<JsonNode> found = new AtomicReference<>();
                ServeFixture.await("Prometheus to scrape mcpwatch (its log: " + dir.resolve("prometheus.log") + ")", Duration.ofSeconds(90), () -> {
                    JsonNode r = query(api, "mcpwatch_monitor_probe_success");
                    if (r != null && r.path("data").path("result").size() == 2) {
                        found.set(r);
                        return true;
                    }
                    return false;
                });
                assertThat(found.get().path("data").path("result").valueStream()
                        .map(s -> s.path("metric").path("monitor").asString() + "=" + s.path("value").get(1).asString()))
                        .containsExactlyInAnyOrder("good=1", "bad=0");
                JsonNode down = query(api, "mcpwatch_monitor_state{mcpwatch_monitor_state=\"down\"} == 1");
                assertThat(down.path("data").path("result").valueStream().map(s -> s.path("metric").path("monitor").asString()))
                        .containsExactly("bad");
                JsonNode tools = query(api, "mcpwatch_monitor_tools{monitor=\"good\"}");
                assertThat(tools.path("data").path("result").get(0).path("value").get(1).asString()).isEqualTo("3");
                JsonNode failures = query(api, "sum by (reason) (mcpwatch_probes_total{result=\"failure\"})");
                assertThat(failures.path("data").path("result").get(0).path("metric").path("reason").asString()).isEqualTo("connection_refused");
                // Prometheus saw the target healthy: the scrape was authorized and parsed.
                JsonNode targets = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/targets")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                JsonNode target = targets.path("data").path("activeTargets").get(0);
                assertThat(target.path("health").asString()).as(target.toString()).isEqualTo("up");
                // The example alerting rules load and evaluate against these series without error.
                ServeFixture.await("the example rules to be evaluated", Duration.ofSeconds(30), () -> {
                    JsonNode rules = get(api + "/api/v1/rules");
                    var all = rules.path("data").path("groups").valueStream().flatMap(g -> g.path("rules").valueStream()).toList();
                    assertThat(all).hasSize(14).allSatisfy(r -> assertThat(r.path("health").asString()).as(r.toString()).isIn("ok", "unknown"));
                    return all.stream().allMatch(r -> r.path("health").asString().equals("ok"));
                });
                // The down monitor's rule matches (pending for its `for:`); the up one's does not.
                ServeFixture.await("McpServerDown to match the down monitor", Duration.ofSeconds(30), () -> get(api + "/api/v1/alerts")
                        .path("data").path("alerts").valueStream()
                        .map(a -> a.path("labels").path("alertname").asString() + " " + a.path("labels").path("monitor").asString())
                        .anyMatch("McpServerDown bad"::equals));
                assertThat(get(api + "/api/v1/alerts").path("data").path("alerts").valueStream()
                        .map(a -> a.path("labels").path("monitor").asString())).doesNotContain("good");
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static JsonNode get(String url) {
        try {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The answer of an instant PromQL query, or null while Prometheus is not up yet. */
    private static JsonNode query(String api, String promql) {
        try {
            var r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
