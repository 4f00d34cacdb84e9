package dev.mcpwatch.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus (Debian's package, {@code /usr/bin/prometheus}) scraping test servers every
 * second: its data in a temporary folder, its web API on a loopback port, stopped by its PID.
 */
public final class PrometheusServer implements AutoCloseable {
    static final Path BINARY = Path.of(System.getenv().getOrDefault("MCPWATCH_PROMETHEUS", "/usr/bin/prometheus"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ExternalProcess process;

    private PrometheusServer(ExternalProcess process) {
        this.process = process;
    }

    /** Starts Prometheus scraping {@code /metrics} of each {@code host:port} every second. */
    public static PrometheusServer scraping(List<String> targets) {
        try {
            Path dir = Files.createTempDirectory("mcpwatch-prometheus-");
            StringBuilder yaml = new StringBuilder("""
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 900ms
                    scrape_configs:
                      - job_name: mcp
                        static_configs:
                          - targets: [""");
            yaml.append(String.join(", ", targets.stream().map(t -> "\"" + t + "\"").toList())).append("]\n");
            Files.writeString(dir.resolve("prometheus.yml"), yaml);
            int port = NpmServer.freePort();
            ExternalProcess p = ExternalProcess.start("prometheus", List.of(BINARY.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn"), dir, port);
            PrometheusServer server = new PrometheusServer(p);
            server.await(server::ready, () -> "Prometheus to be ready", 30);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + process.port();
    }

    public long pid() {
        return process.pid();
    }

    /** The result vector of an instant query. */
    public JsonNode query(String promql) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return dev.mcpwatch.probe.Json.MAPPER.readTree(r.body()).path("data").path("result");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits (at most {@code seconds}) until a query's result satisfies {@code test}: Prometheus
     * scrapes on its own clock, so a test can only wait for it to have seen what was sent.
     */
    public JsonNode awaitQuery(String promql, Predicate<JsonNode> test, int seconds) {
        JsonNode[] last = new JsonNode[1];
        await(() -> test.test(last[0] = query(promql)), () -> "`" + promql + "` to satisfy the test (last: " + last[0] + ")", seconds);
        return last[0];
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void await(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what, int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("waited " + seconds + " s for " + what.get() + "; Prometheus log: " + process.logTail());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
