package dev.mcpwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.store.ToolListStore;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.WebFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A Prometheus scrape of {@code /metrics} at 10,000 monitors (the overview bench's fleet: 100 down
 * with an open incident, 200 suspect; each with a TLS certificate, a tool list and three phases of a
 * last probe): server time (from the response's Server-Timing: collecting, database included, and
 * writing), wall time over loopback, and the size, in both formats. A bench, not a test: it asserts
 * what the scrape holds, never how fast.
 *
 * <p>Run: {@code mvn test -Dtest=MetricsScaleBench -Dsurefire.failIfNoSpecifiedTests=false}; the
 * figures are in {@code target/bench/metrics.txt}.
 */
class MetricsScaleBench {
    static final int MONITORS = 10_000;
    static final int RUNS = 30;

    @Test
    void aScrapeAtTenThousandMonitors() throws Exception {
        Path dir = ServeFixture.tempDir("mcpwatch-metrics-bench-");
        try (WebFixture web = WebFixture.start(dir, "monitors: []\n")) {
            long now = System.currentTimeMillis();
            ScaleData.seed(web.app().database(), MONITORS, now);
            web.app().database().transaction(c -> {
                long list = new ToolListStore().intern(c, Results.tools("echo", "add", "search", "fetch"), now);
                try (var st = c.prepareStatement("UPDATE monitor_state SET tls_not_after = ?, tool_list_id = ?")) {
                    st.setLong(1, now + 40L * 86_400_000);
                    st.setLong(2, list);
                    st.executeUpdate();
                }
                return null;
            });
            for (int i = 0; i < MONITORS; i++) {
                web.app().metrics().probed(ScaleData.id(i), Results.healthy(Instant.ofEpochMilli(now), 80));
            }
            HttpClient http = HttpClient.newHttpClient();
            String url = "http://127.0.0.1:" + web.app().port() + "/metrics";
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "/metrics at %,d monitors, SQLite%n%-14s %12s %12s %12s %12s %12s %10s%n",
                    MONITORS, "format", "collect p50", "write p50", "server p50", "server p95", "wall p50", "bytes"));
            for (String accept : new String[] {"text/plain", "application/openmetrics-text; version=1.0.0"}) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).build();
                for (int i = 0; i < 5; i++) {
                    http.send(request, HttpResponse.BodyHandlers.ofByteArray()); // warm-up
                }
                double[] collect = new double[RUNS];
                double[] write = new double[RUNS];
                double[] server = new double[RUNS];
                double[] wall = new double[RUNS];
                int bytes = 0;
                String body = null;
                for (int i = 0; i < RUNS; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    wall[i] = (System.nanoTime() - t0) / 1e6;
                    assertThat(r.statusCode()).isEqualTo(200);
                    Matcher m = Pattern.compile("collect;dur=([0-9.]+), write;dur=([0-9.]+)").matcher(r.headers().firstValue("Server-Timing").orElseThrow());
                    assertThat(m.find()).isTrue();
                    collect[i] = Double.parseDouble(m.group(1));
                    write[i] = Double.parseDouble(m.group(2));
                    server[i] = collect[i] + write[i];
                    bytes = r.body().length;
                    body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
                }
                assertThat(body).contains("mcpwatch_monitors " + MONITORS).contains("mcpwatch_monitor_tools{monitor=\"m-09999\"} 4");
                var gz = new java.io.ByteArrayOutputStream();
                try (var z = new java.util.zip.GZIPOutputStream(gz)) {
                    z.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                long series = body.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
                out.append(String.format(Locale.ROOT, "%-14s %9.1f ms %9.1f ms %9.1f ms %9.1f ms %9.1f ms %10s  (gzip %,d; %,d series)%n",
                        accept.startsWith("text") ? "prometheus" : "openmetrics", q(collect, 0.5), q(write, 0.5), q(server, 0.5), q(server, 0.95),
                        q(wall, 0.5), String.format(Locale.ROOT, "%,d", bytes), gz.size(), series));
            }
            Path report = Path.of("target", "bench", "metrics.txt");
            Files.createDirectories(report.getParent());
            Files.writeString(report, out);
            System.out.print(out);
        }
    }

    private static double q(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }
}
