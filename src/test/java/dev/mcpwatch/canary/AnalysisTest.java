package dev.mcpwatch.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.canary.RuleResult.Status;
import dev.mcpwatch.canary.TrafficReading.SideTraffic;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ToolCallOutcome;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.probe.ToolSnapshot;
import dev.mcpwatch.probe.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The rules on histories written by hand, for the cases real servers do not produce on demand:
 * counts too small to tell from chance, a stable that fails itself, a lone slow probe, phases too
 * fast for a ratio to mean anything, both sides gone, real-traffic histograms, and a probe through a
 * proxy cut by the version header.
 */
class AnalysisTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Failure ERROR = new Failure(Reason.TOOL_CALL_ERROR, Phase.TOOL_CALL, "Tool `lookup` returned isError: down");
    private static final Failure REFUSED = new Failure(Reason.CONNECTION_REFUSED, Phase.CONNECT, "Connection refused to 127.0.0.1:1");

    @Test
    void aFewMoreFailuresOnTheCanaryAreUnsureNotARollback() {
        History h = rounds(30, i -> ok(20), i -> i % 8 == 0 ? failed(ERROR) : ok(20));

        Verdict v = evaluate(h, null);

        RuleResult errors = rule(v, "error_rate");
        assertThat(errors.status()).isEqualTo(Status.UNSURE);
        assertThat(errors.pValue()).isCloseTo(0.0562, org.assertj.core.api.Assertions.within(1e-4)); // 4 of 30 against 0 of 30
        assertThat(errors.evidence()).contains("canary failed 4 of 30 probes (13.3 %)", "could be chance");
        assertThat(v.verdict()).isEqualTo(Decision.INCONCLUSIVE);
    }

    @Test
    void oneFailureAgainstNoneIsWhatChanceDoes() {
        History h = rounds(30, i -> ok(20), i -> i == 12 ? failed(ERROR) : ok(20));

        Verdict v = evaluate(h, null);

        RuleResult errors = rule(v, "error_rate");
        assertThat(errors.status()).isEqualTo(Status.PASS);
        assertThat(errors.pValue()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(errors.evidence()).endsWith("— over 2× the stable's, but at these counts that says nothing (p = 0.5000)");
        assertThat(v.verdict()).isEqualTo(Decision.PROMOTE);
    }

    @Test
    void aStableThatFailsHalfItsProbesLeavesNothingToCompareAgainst() {
        History h = rounds(30, i -> i % 2 == 0 ? failed(ERROR) : ok(20), i -> failed(ERROR));

        Verdict v = evaluate(h, null);

        assertThat(rule(v, "error_rate").status()).isEqualTo(Status.UNSURE);
        assertThat(rule(v, "error_rate").evidence()).contains("no canary can fail 2× as often, so the rule cannot judge");
        assertThat(v.verdict()).isEqualTo(Decision.INCONCLUSIVE);
    }

    @Test
    void oneSlowCanaryProbeIsNotEvidenceOfItsP99ButTwoAreSome() {
        Verdict one = evaluate(rounds(30, i -> ok(20), i -> i == 17 ? ok(400) : ok(20)), null);
        Verdict two = evaluate(rounds(30, i -> ok(20), i -> i == 17 || i == 3 ? ok(400) : ok(20)), null);

        RuleResult lone = latency(one, Phase.TOTAL);
        assertThat(lone.status()).isEqualTo(Status.PASS);
        assertThat(lone.canary().count()).isEqualTo(1);
        assertThat(lone.evidence()).contains("1 of 30 canary probes took over 70.0 ms, which says nothing at these counts (p = 0.2603)");
        assertThat(one.verdict()).isEqualTo(Decision.PROMOTE);
        RuleResult pair = latency(two, Phase.TOTAL);
        assertThat(pair.status()).isEqualTo(Status.UNSURE);
        assertThat(pair.evidence()).contains("but only 2 of 30 canary probes were that slow, which could be chance (p = 0.0361)");
        assertThat(two.verdict()).isEqualTo(Decision.INCONCLUSIVE);
    }

    @Test
    void phasesTooFastForARatioToMatterPassUnderTheFloor() {
        History h = rounds(30, i -> ok(1), i -> ok(10)); // ten times slower, and 9 ms

        Verdict v = evaluate(h, null);

        assertThat(latency(v, Phase.TOTAL).status()).isEqualTo(Status.PASS);
        assertThat(latency(v, Phase.TOTAL).threshold()).isEqualTo("> 3× the stable's p99 and +50ms over 5m, p < 0.005");
        assertThat(latency(v, Phase.TOTAL).test()).endsWith("(α split over 2 steps)");
        assertThat(v.verdict()).isEqualTo(Decision.PROMOTE);
    }

    @Test
    void aCanaryUnreachableWhileTheStableAnswersIsARollbackAndBothGoneIsNot() {
        History crashed = rounds(5, i -> ok(20), i -> i == 4 ? failed(REFUSED) : ok(20));
        History bothGone = rounds(5, i -> i == 4 ? failed(REFUSED) : ok(20), i -> i == 4 ? failed(REFUSED) : ok(20));

        assertThat(rule(evaluate(crashed, null), "canary_reachable").status()).isEqualTo(Status.TRIPPED);
        assertThat(evaluate(crashed, null).verdict()).isEqualTo(Decision.ROLLBACK);
        assertThat(rule(evaluate(bothGone, null), "canary_reachable").status()).isEqualTo(Status.UNSURE);
        assertThat(rule(evaluate(bothGone, null), "canary_reachable").evidence()).contains("neither side could be reached");
        assertThat(evaluate(bothGone, null).verdict()).isEqualTo(Decision.INCONCLUSIVE);
    }

    @Test
    void realTrafficErrorsTwiceTheStablesAndSignificantRollBack() {
        History h = rounds(30, i -> ok(20), i -> ok(20));
        TrafficReading traffic = TrafficReading.of("Prometheus x", Duration.ofMinutes(5),
                new SideTraffic("1.4.2", 1000, 5, fast(1000)), new SideTraffic("1.5.0", 400, 20, fast(400)));

        Verdict v = evaluate(h, traffic);

        RuleResult errors = rule(v, "traffic_error_rate");
        assertThat(errors.status()).isEqualTo(Status.TRIPPED);
        assertThat(errors.source()).isEqualTo("traffic");
        assertThat(errors.evidence()).startsWith("real-traffic error rate: version 1.5.0 failed 20 of 400 tool calls (5.0 %) in the last 5m, "
                + "version 1.4.2 5 of 1000 (0.5 %)");
        assertThat(rule(v, "traffic_latency_p99").status()).isEqualTo(Status.PASS);
        assertThat(v.verdict()).isEqualTo(Decision.ROLLBACK);
        assertThat(rule(v, "error_rate").status()).as("the probes saw nothing wrong").isEqualTo(Status.PASS);
    }

    @Test
    void realTrafficSlowerThanThreeTimesTheStablesBucketBoundRollsBack() {
        History h = rounds(30, i -> ok(20), i -> ok(20));
        // Stable: every call under 10 ms. Canary: 40 of 400 calls between 100 and 500 ms.
        Histogram slow = new Histogram(List.of(b(0.01, 300), b(0.05, 350), b(0.1, 360), b(0.5, 400), b(1, 400), b(5, 400),
                b(Double.POSITIVE_INFINITY, 400)));
        TrafficReading traffic = TrafficReading.of("Prometheus x", Duration.ofMinutes(5),
                new SideTraffic("stable", 1000, 0, fast(1000)), new SideTraffic("canary", 400, 0, slow));

        Verdict v = evaluate(h, traffic);

        RuleResult latency = rule(v, "traffic_latency_p99");
        assertThat(latency.status()).isEqualTo(Status.TRIPPED);
        assertThat(latency.canary().count()).isEqualTo(40); // above 0.1 s, the first bound past 3 × 10 ms… and past 10 + 50 ms
        assertThat(latency.evidence()).contains("40 of 400 canary calls took over 60.0 ms");
    }

    @Test
    void tooLittleRealTrafficOrNoPrometheusKeepsTheVerdictFromPromote() {
        History h = rounds(30, i -> ok(20), i -> ok(20));
        TrafficReading little = TrafficReading.of("Prometheus x", Duration.ofMinutes(5),
                new SideTraffic("stable", 1000, 0, fast(1000)), new SideTraffic("canary", 40, 0, fast(40)));
        TrafficReading down = TrafficReading.unavailable("Prometheus x", Duration.ofMinutes(5), "could not query Prometheus at x: refused");

        Verdict few = evaluate(h, little);
        Verdict none = evaluate(h, down);

        assertThat(rule(few, "traffic_error_rate").status()).isEqualTo(Status.NOT_ENOUGH_DATA);
        assertThat(few.verdict()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(few.reasons()).anySatisfy(r -> assertThat(r).contains("40 canary (canary) tool calls", "the rule needs 100"));
        assertThat(rule(none, "traffic_error_rate").status()).isEqualTo(Status.UNAVAILABLE);
        assertThat(none.verdict()).isEqualTo(Decision.INCONCLUSIVE);
        assertThat(none.reasons()).contains("real traffic (Prometheus x): could not query Prometheus at x: refused");
    }

    @Test
    void aHistogramsQuantileIsBoundedByItsBucket() {
        Histogram h = new Histogram(List.of(b(0.01, 50), b(0.05, 99), b(0.1, 100), b(Double.POSITIVE_INFINITY, 100)));

        assertThat(h.quantileBounds(0.99)).containsExactly(0.01, 0.05);
        assertThat(h.estimate(0.99)).isCloseTo(0.05, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(h.estimate(0.5)).isCloseTo(0.01, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(h.countAbove(0.03)).isEqualTo(1.0); // above 0.05, the first bound past 0.03
        assertThat(h.countAbove(0.2)).isNull(); // no finite bound reaches it
    }

    @Test
    void aProbeThroughTheProxyIsCutByVersionAndAFailureGoesToWhoeverAnsweredIt() {
        HeaderSplit split = new HeaderSplit("X-Server-Version", "1.4.2", "1.5.0");
        ProbeResult r = result(ERROR, List.of(
                step(Phase.INITIALIZE, 5, "1.4.2"), step(Phase.INITIALIZED, 1, "1.5.0"), step(Phase.TOOLS_LIST, 4, "1.4.2"),
                step(Phase.TOOL_CALL, 9, "1.5.0")), List.of(new ToolCallOutcome("lookup", false, true, "down", null)));

        Parts.Split parts = Parts.split(T0, r, split, List.of(), null);

        assertThat(parts.unattributed()).isNull();
        Sample stable = parts.samples().stream().filter(s -> s.side() == Side.STABLE).findFirst().orElseThrow();
        Sample canary = parts.samples().stream().filter(s -> s.side() == Side.CANARY).findFirst().orElseThrow();
        assertThat(stable.ok()).isTrue();
        assertThat(stable.phaseMs()).containsOnlyKeys(Phase.INITIALIZE, Phase.TOOLS_LIST);
        assertThat(canary.failure()).isEqualTo(ERROR);
        assertThat(canary.toolCalls()).isEqualTo(1);
        assertThat(canary.phaseMs()).doesNotContainKey(Phase.TOOL_CALL).doesNotContainKey(Phase.TOTAL);
    }

    @Test
    void aFailureOnAResponseWithoutTheHeaderBelongsToNoVersion() {
        HeaderSplit split = new HeaderSplit("X-Server-Version", "1.4.2", "1.5.0");
        Failure badGateway = new Failure(Reason.HTTP_ERROR, Phase.TOOLS_LIST, "HTTP 502 from tools_list");
        ProbeResult r = result(badGateway, List.of(step(Phase.INITIALIZE, 5, "1.4.2"), step(Phase.TOOLS_LIST, 1, null)), List.of());

        Parts.Split parts = Parts.split(T0, r, split, List.of(), null);

        assertThat(parts.unattributed()).isEqualTo(badGateway);
        assertThat(parts.samples()).singleElement().satisfies(s -> {
            assertThat(s.side()).isEqualTo(Side.STABLE);
            assertThat(s.ok()).isTrue();
        });
        History h = new History(Duration.ofMinutes(5));
        Comparison.record(h, T0, r, new Comparison.OneUrl(dev.mcpwatch.probe.ProbeSpec.http("http://127.0.0.1:1/mcp").build(), split));
        assertThat(h.unattributedIn(T0)).isEqualTo(1);
    }

    // ---- building histories ------------------------------------------------------------------

    /** A side's part of a round: given the sample time, the sample. */
    private interface Part {
        Sample at(Side side, Instant at);
    }

    /** The one tool both sides list. */
    private static final ToolList TOOLS = new ToolList(1, 1, "f", "w", List.of(new ToolSnapshot("lookup", null, null, "f1",
            "{\"name\":\"lookup\",\"inputSchema\":{\"type\":\"object\"}}")));

    private static Part ok(double ms) {
        return (side, at) -> new Sample(side, at, null, Map.of(Phase.TOOLS_LIST, ms / 2, Phase.TOTAL, ms), 0, List.of(), TOOLS, null);
    }

    private static Part failed(Failure f) {
        return (side, at) -> new Sample(side, at, f, Map.of(Phase.TOOLS_LIST, 5.0), 0, List.of(), null, null);
    }

    private static History rounds(int n, IntFunction<Part> stable, IntFunction<Part> canary) {
        History h = new History(Duration.ofMinutes(5));
        for (int i = 0; i < n; i++) {
            Instant at = T0.plus(INTERVAL.multipliedBy(i));
            h.add(stable.apply(i).at(Side.STABLE, at));
            h.add(canary.apply(i).at(Side.CANARY, at));
            h.round();
        }
        return h;
    }

    private static Verdict evaluate(History h, TrafficReading traffic) {
        Instant now = T0.plus(INTERVAL.multipliedBy(h.rounds() - 1));
        return Analysis.evaluate(new Analysis.Inputs(h, Thresholds.GUIDE.withMinCanaryProbes(5), now, INTERVAL, false, "s", "c", null,
                traffic));
    }

    private static RuleResult rule(Verdict v, String name) {
        return v.rules().stream().filter(r -> r.rule().equals(name) && r.phase() == null).findFirst().orElseThrow();
    }

    private static RuleResult latency(Verdict v, Phase phase) {
        return v.rules().stream().filter(r -> r.rule().equals("latency_p99") && r.phase() == phase).findFirst().orElseThrow();
    }

    /** Every call under 10 ms, in the guide's buckets. */
    private static Histogram fast(double calls) {
        return new Histogram(List.of(b(0.01, calls), b(0.05, calls), b(0.1, calls), b(0.5, calls), b(1, calls), b(5, calls),
                b(Double.POSITIVE_INFINITY, calls)));
    }

    private static Histogram.Bucket b(double le, double cumulative) {
        return new Histogram.Bucket(le, cumulative);
    }

    private static PhaseTiming step(Phase phase, double ms, String servedBy) {
        return new PhaseTiming(phase, 0, ms, ms, 200, "json", null, servedBy);
    }

    private static ProbeResult result(Failure failure, List<PhaseTiming> timings, List<ToolCallOutcome> calls) {
        List<PhaseTiming> all = new ArrayList<>(List.of(PhaseTiming.network(Phase.CONNECT, 0, 0.5)));
        all.addAll(timings);
        return new ProbeResult("http://127.0.0.1:1/mcp", Transport.STREAMABLE_HTTP, T0, failure == null, failure, 20, all, null, false,
                "2025-11-25", null, null, null, null, false, null, calls.isEmpty() ? null : calls.getFirst(), calls, null, List.of());
    }
}
