package dev.mcpwatch.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.canary.RuleResult.Status;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.testkit.NginxProxy;
import dev.mcpwatch.testkit.SdkServer;
import dev.mcpwatch.testkit.TestClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * Stable and canary behind one URL, as the canary guide deploys them: a real nginx in front of two
 * real MCP servers (the official Java SDK, stateless, each answering with its own
 * {@code X-Server-Version}), routing with {@code split_clients} on the client address and request id.
 * Every request is split on its own, so one probe meets both versions; each step is counted for the
 * version that answered it. The split here is 50 % rather than the guide's 5 % so that both groups
 * fill a five-minute window of probes.
 */
class HeaderSplitTest {
    private static final String STABLE = "1.4.2";
    private static final String CANARY = "1.5.0";
    private static final HeaderSplit SPLIT = new HeaderSplit("X-Server-Version", STABLE, CANARY);
    private final Prober prober = new Prober();

    @Test
    void equalVersionsBehindTheProxyAreComparedGroupByGroupAndPromoted() throws Exception {
        try (SdkServer stable = SdkServer.stateless(SdkServer.Options.version(STABLE), Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.stateless(SdkServer.Options.version(CANARY), Deploys.lookup(0), Deploys.status());
                NginxProxy nginx = NginxProxy.splitting(hostPort(stable), hostPort(canary), 50)) {
            Set<String> seen = new HashSet<>();
            Verdict v = compare(nginx, Duration.ofMinutes(10), seen, n -> { });

            assertThat(seen).as("the proxy sent requests to both").containsExactlyInAnyOrder(STABLE, CANARY);
            assertThat(v.verdict()).as(v.reasons().toString()).isEqualTo(Decision.PROMOTE);
            assertThat(v.stable().version()).isEqualTo(STABLE);
            assertThat(v.canary().version()).isEqualTo(CANARY);
            assertThat(v.stable().probes()).isBetween(30L, 60L);
            assertThat(v.canary().probes()).isBetween(30L, 60L);
            assertThat(v.stable().server().version()).isEqualTo(STABLE);
            assertThat(v.canary().server().version()).isEqualTo(CANARY);
            assertThat(v.rules()).filteredOn(r -> r.rule().equals("latency_p99") && r.status() == Status.PASS).isNotEmpty();
            assertThat(v.rules()).filteredOn(r -> r.rule().equals("canary_reachable")).singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo(Status.NOT_APPLICABLE));
        }
    }

    @Test
    void aCanaryWhoseToolFailsBehindTheProxyIsRolledBackForItsOwnErrors() throws Exception {
        try (SdkServer stable = SdkServer.stateless(SdkServer.Options.version(STABLE), Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.stateless(SdkServer.Options.version(CANARY), Deploys.lookupFailingEvery(1), Deploys.status());
                NginxProxy nginx = NginxProxy.splitting(hostPort(stable), hostPort(canary), 50)) {
            Verdict v = compare(nginx, Duration.ofMinutes(10), new HashSet<>(), n -> { });

            assertThat(v.verdict()).isEqualTo(Decision.ROLLBACK);
            RuleResult errors = v.rules().stream().filter(r -> r.rule().equals("error_rate")).findFirst().orElseThrow();
            assertThat(errors.status()).isEqualTo(Status.TRIPPED);
            assertThat(errors.stable().count()).as("the stable's parts never fail").isZero();
            assertThat(errors.canary().count()).isPositive();
            assertThat(v.stable().errors()).isZero();
        }
    }

    @Test
    void aCanaryThatDiesBehindTheProxyLeavesFailuresNoVersionOwnsAndIsNeverPromoted() throws Exception {
        try (SdkServer stable = SdkServer.stateless(SdkServer.Options.version(STABLE), Deploys.lookup(0), Deploys.status())) {
            SdkServer canary = SdkServer.stateless(SdkServer.Options.version(CANARY), Deploys.lookup(0), Deploys.status());
            try (NginxProxy nginx = NginxProxy.splitting(hostPort(stable), hostPort(canary), 50)) {
                Verdict v = compare(nginx, Duration.ofMinutes(10), new HashSet<>(), n -> {
                    if (n == 10) {
                        canary.close();
                    }
                });

                assertThat(v.verdict()).isEqualTo(Decision.INCONCLUSIVE);
                assertThat(v.reasons()).anySatisfy(r -> assertThat(r)
                        .containsPattern("^[0-9]+ probes in the last 5m failed on a response without X-Server-Version, so no version can be "
                                + "blamed \\(HTTP 502 from "));
            } finally {
                canary.close();
            }
        }
    }

    private Verdict compare(NginxProxy nginx, Duration duration, Set<String> seen, LongConsumer afterRound) throws InterruptedException {
        TestClock clock = TestClock.at("2026-11-21T10:00:00Z");
        ProbeSpec spec = ProbeSpec.http(nginx.url("/mcp"))
                .toolCall(new ProbeSpec.ToolCall("lookup", Json.MAPPER.readTree("{\"query\":\"mcp\"}"), null)).build();
        return new Comparison(prober::probe, clock, clock::set).run(new Comparison.Plan(new Comparison.OneUrl(spec, SPLIT), duration,
                Duration.ofSeconds(10), Thresholds.GUIDE, false, null), (n, probes, v) -> {
                    for (var p : probes) {
                        p.result().timings().stream().map(PhaseTiming::servedBy).filter(s -> s != null).forEach(seen::add);
                    }
                    afterRound.accept(n);
                });
    }

    private static String hostPort(SdkServer server) {
        return server.url().replaceFirst("^http://", "").replaceFirst("/.*$", "");
    }
}
