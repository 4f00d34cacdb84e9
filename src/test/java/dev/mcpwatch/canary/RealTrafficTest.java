package dev.mcpwatch.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.canary.RuleResult.Status;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.testkit.Cli;
import dev.mcpwatch.testkit.PrometheusServer;
import dev.mcpwatch.testkit.SdkServer;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import dev.mcpwatch.testkit.ToolMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules on real traffic: a real Prometheus (Debian's package) scrapes every second four real
 * MCP servers (the official Java SDK) that export the canary guide's metrics, labelled by version:
 * the stable one, and three canaries — one whose {@code lookup} fails a call in four, one whose
 * {@code lookup} takes 600 ms, one like the stable. The test sends each the same traffic, waits for
 * Prometheus to have scraped it, and compares. mcpwatch's own probes call only {@code status},
 * which never breaks: what they see is fine, and the verdict comes from the traffic.
 */
class RealTrafficTest {
    private static final String STABLE = "1.4.2";
    private static final int CALLS = 150;
    private static SdkServer stable;
    private static SdkServer failing;
    private static SdkServer slow;
    private static SdkServer same;
    private static PrometheusServer prometheus;
    private final Prober prober = new Prober();

    @BeforeAll
    static void deployAndSendTraffic() throws Exception {
        stable = server(STABLE, Deploys.lookup(2));
        failing = server("1.5.0-failing", Deploys.lookupFailingEvery(4));
        slow = server("1.5.0-slow", Deploys.lookup(600));
        same = server("1.5.0", Deploys.lookup(2));
        prometheus = PrometheusServer.scraping(List.of(hostPort(stable), hostPort(failing), hostPort(slow), hostPort(same)));
        // Every series is exported at zero before the first call, so Prometheus counts each counter's first increase.
        prometheus.awaitQuery("count(mcp_tool_call_errors_total{tool=\"lookup\"})", r -> r.path(0).path("value").path(1).asString("0")
                .equals("4"), 30);
        List<Future<?>> sent = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (SdkServer s : List.of(stable, failing, slow, same)) {
                sent.add(pool.submit(() -> traffic(s, CALLS, 40)));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
        for (String version : List.of(STABLE, "1.5.0-failing", "1.5.0-slow", "1.5.0")) {
            prometheus.awaitQuery("sum(mcp_tool_call_duration_seconds_count{tool=\"lookup\",version=\"" + version + "\"})",
                    r -> r.path(0).path("value").path(1).asDouble(0) >= CALLS, 30);
        }
    }

    @AfterAll
    static void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {prometheus, stable, failing, slow, same}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the others still close
            }
        }
    }

    @Test
    void aCanaryFailingRealCallsIsRolledBackWhileItsProbesPass() throws Exception {
        Verdict v = compare(failing, "1.5.0-failing");

        assertThat(v.verdict()).isEqualTo(Decision.ROLLBACK);
        RuleResult traffic = rule(v, "traffic_error_rate");
        assertThat(traffic.status()).isEqualTo(Status.TRIPPED);
        assertThat(traffic.source()).isEqualTo("traffic");
        assertThat(traffic.canary().count()).as("a quarter of the calls, give or take Prometheus's extrapolation")
                .isBetween((long) (CALLS / 4 * 0.9), (long) (CALLS / 4 * 1.3));
        assertThat(traffic.stable().count()).isZero();
        assertThat(traffic.evidence()).startsWith("real-traffic error rate: version 1.5.0-failing failed ");
        assertThat(v.reasons()).singleElement().asString().startsWith("real-traffic error rate:");
        assertThat(v.canary().errors()).as("mcpwatch's own probes saw nothing wrong").isZero();
        assertThat(v.traffic().source()).isEqualTo("Prometheus " + prometheus.url());
    }

    @Test
    void aCanarySlowOnRealCallsIsRolledBackForItsP99() throws Exception {
        Verdict v = compare(slow, "1.5.0-slow");

        assertThat(v.verdict()).isEqualTo(Decision.ROLLBACK);
        RuleResult p99 = rule(v, "traffic_latency_p99");
        assertThat(p99.status()).as(p99.evidence()).isEqualTo(Status.TRIPPED);
        assertThat(p99.canary().value()).as("histogram_quantile's estimate, in ms").isBetween(500.0, 1000.0);
        assertThat(rule(v, "traffic_error_rate").status()).isEqualTo(Status.PASS);
    }

    @Test
    void aCanaryLikeTheStableIsPromotedWithTheTrafficFiguresBesideTheProbes() throws Exception {
        Verdict v = compare(same, "1.5.0");

        assertThat(v.verdict()).as(v.reasons().toString()).isEqualTo(Decision.PROMOTE);
        assertThat(rule(v, "traffic_error_rate").status()).isEqualTo(Status.PASS);
        assertThat(rule(v, "traffic_latency_p99").status()).isEqualTo(Status.PASS);
        assertThat(rule(v, "error_rate").status()).isEqualTo(Status.PASS);
        assertThat(v.traffic().stable().calls()).isGreaterThanOrEqualTo(CALLS);
        assertThat(v.traffic().canary().version()).isEqualTo("1.5.0");
    }

    @Test
    void aVersionWithNoTrafficIsNotEnoughToPromote() throws Exception {
        Verdict v = compare(same, "2.0.0-nobody-runs-this");

        assertThat(rule(v, "traffic_error_rate").status()).isEqualTo(Status.NOT_ENOUGH_DATA);
        assertThat(v.verdict()).isEqualTo(Decision.INCONCLUSIVE);
    }

    @Test
    void aQueryPrometheusRefusesIsRefusedBeforeAnyProbe() {
        PrometheusSource source = new PrometheusSource(URI.create(prometheus.url()),
                PrometheusSource.Queries.GUIDE.with("errors", "sum(rate(mcp_tool_call_errors_total{version=\"{{version}}\"}[5m]"),
                STABLE, "1.5.0", Duration.ofSeconds(5));

        assertThatThrownBy(() -> source.check(Duration.ofMinutes(5))).isInstanceOf(PrometheusSource.BadQuery.class)
                .hasMessageStartingWith("Prometheus refused the query `sum(rate(mcp_tool_call_errors_total{version=\"1.4.2\"}[5m]`: bad_data: ");
    }

    @Test
    void aPrometheusThatIsNotThereMakesTheTrafficRulesUnavailable() {
        PrometheusSource source = new PrometheusSource(URI.create("http://127.0.0.1:9/"), PrometheusSource.Queries.GUIDE, STABLE, "1.5.0",
                Duration.ofSeconds(5));

        TrafficReading r = source.read(Duration.ofMinutes(5));

        assertThat(r.problem()).startsWith("could not query Prometheus at http://127.0.0.1:9/: ");
    }

    @Test
    void theCommandRollsBackOnRealTrafficAndShowsItBesideTheProbes() {
        Cli.Run run = Cli.mcpwatch(Map.of(), "canary", "--stable", stable.url(), "--canary", failing.url(), "--call", "status",
                "--prometheus", prometheus.url(), "--stable-version", STABLE, "--canary-version", "1.5.0-failing");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.out()).containsPattern("(?m)^  error rate +0/1 probes \\(0\\.0 %\\) +0/1 probes .* not enough data$")
                .containsPattern("(?m)^  traffic error rate +0/[0-9]+ calls \\(0\\.0 %\\) +[3-4][0-9]/1[0-9]{2} calls \\(2[0-9]\\.[0-9] %\\) "
                        + "+> 2× the stable's over 5m, p < 0\\.01 +ROLLBACK \\(p=.*\\)$")
                .containsPattern("(?m)^  traffic p99 +~[0-9.]+ ms p99, in [0-9]+–[0-9]+ ms \\([0-9]+\\) +~[0-9.]+ ms p99, in .* pass$")
                .contains("  verdict  ROLLBACK\n    - real-traffic error rate: version 1.5.0-failing failed ");
    }

    @Test
    void theCommandRefusesAQueryPrometheusRefusesAsAUsageError() {
        Cli.Run run = Cli.mcpwatch(Map.of(), "canary", "--stable", stable.url(), "--canary", failing.url(), "--prometheus",
                prometheus.url(), "--prometheus-query", "calls=sum(mcp_tool_call_duration_seconds_count{version=\"{{version}}\"}[{{window}}]");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("mcpwatch canary: Prometheus refused the query `sum(mcp_tool_call_duration_seconds_count"
                + "{version=\"stable\"}[300s]`: bad_data: ");
        assertThat(run.out()).isEmpty();
    }

    // ---- comparing ---------------------------------------------------------------------------

    @Test
    void aContinuousCanaryInServeReadsTheSameTrafficAndIsRolledBackForIt() throws Exception {
        TestClock clock = TestClock.at("2031-11-21T10:00:00Z"); // ahead of the wall clock: serve's scheduler never probes the monitors
        String yaml = """
                monitors:
                  - id: search-stable
                    url: %s
                    expect:
                      call: {tool: status}
                  - id: search-canary
                    url: %s
                    expect:
                      call: {tool: status}
                """.formatted(stable.url(), failing.url());
        try (ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("canary-traffic"), yaml)) {
            String token = serve.apiToken();
            var added = CanariesInServeTest.post(serve, "/api/canaries", """
                    {"id": "search", "stable": "search-stable", "canary": "search-canary",
                     "prometheus": {"url": "%s", "stable_version": "%s", "canary_version": "1.5.0-failing"}}
                    """.formatted(prometheus.url(), STABLE), token);
            assertThat(added.status()).as(added.body()).isEqualTo(201);

            CanariesInServeTest.rounds(serve, clock, 2);

            var answer = serve.get("/api/canaries/search");
            assertThat(answer.path("verdict").asString()).as(answer.toString()).isEqualTo("rollback");
            var traffic = CanariesInServeTest.rule(answer, "traffic_error_rate");
            assertThat(traffic.path("status").asString()).isEqualTo("tripped");
            assertThat(traffic.path("canary").path("count").asLong()).isBetween((long) (CALLS / 4 * 0.9), (long) (CALLS / 4 * 1.3));
            assertThat(answer.path("analysis").path("canary").path("errors").asLong()).as("mcpwatch's own probes saw nothing wrong").isZero();
            assertThat(answer.path("reasons").get(0).asString()).startsWith("real-traffic error rate:");
        }
    }

    private Verdict compare(SdkServer canary, String canaryVersion) throws InterruptedException {
        TestClock clock = TestClock.at("2026-11-21T10:00:00Z");
        PrometheusSource source = new PrometheusSource(URI.create(prometheus.url()), PrometheusSource.Queries.GUIDE, STABLE,
                canaryVersion, Duration.ofSeconds(5));
        return new Comparison(prober::probe, clock, clock::set).run(new Comparison.Plan(
                new Comparison.TwoUrls(spec(stable), spec(canary)), Duration.ofMinutes(10), Duration.ofSeconds(10), Thresholds.GUIDE,
                false, source), (n, probes, v) -> { });
    }

    private static ProbeSpec spec(SdkServer s) {
        return ProbeSpec.http(s.url()).toolCall(new ProbeSpec.ToolCall("status", null, null)).build();
    }

    private static RuleResult rule(Verdict v, String name) {
        return v.rules().stream().filter(r -> r.rule().equals(name)).findFirst().orElseThrow();
    }

    // ---- the servers and their traffic -------------------------------------------------------

    private static SdkServer server(String version, SdkServer.Tool lookup) {
        return SdkServer.stateless(new SdkServer.Options(version, new ToolMetrics(version), true), lookup, Deploys.status());
    }

    /** {@code calls} tools/call of lookup, at most {@code concurrency} at once, as agents send them. */
    static void traffic(SdkServer server, int calls, int concurrency) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Semaphore slots = new Semaphore(concurrency);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < calls; i++) {
                int id = i;
                slots.acquireUninterruptibly();
                pool.submit(() -> {
                    try {
                        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"lookup\","
                                + "\"arguments\":{\"query\":\"q" + id + "\"}}}";
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url()))
                                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                                .header("MCP-Protocol-Version", "2025-11-25")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200 || !Json.MAPPER.readTree(r.body()).has("result")) {
                            throw new IllegalStateException("tools/call answered " + r.statusCode() + ": " + r.body());
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        slots.release();
                    }
                    return null;
                });
            }
        }
    }

    private static String hostPort(SdkServer server) {
        return server.url().replaceFirst("^http://", "").replaceFirst("/.*$", "");
    }
}
