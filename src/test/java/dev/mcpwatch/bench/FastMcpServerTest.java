package dev.mcpwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Era;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's server must be a correct MCP server, or the benchmark measures failures. Checks
 * what the probe sees of it; nothing here measures speed.
 */
class FastMcpServerTest {

    @Test
    void probeOfTheBenchServerIsHealthyWithSessionAndServerTimingOnEveryRequestStep() throws Exception {
        try (FastMcpServer server = FastMcpServer.start(0)) {
            ProbeResult r = new Prober().probe(ProbeSpec.http(server.url()).build());

            assertThat(r.failure()).isNull();
            assertThat(r.era()).isEqualTo(Era.LEGACY);
            assertThat(r.eraDetected()).isTrue();
            assertThat(r.protocolVersion()).isEqualTo("2025-11-25");
            assertThat(r.sessionUsed()).isTrue();
            assertThat(r.server().name()).isEqualTo(FastMcpServer.NAME);
            assertThat(r.tools().names()).containsExactly("echo", "add", "now", "health");
            assertThat(r.timings()).filteredOn(t -> t.phase() == Phase.INITIALIZE || t.phase() == Phase.TOOLS_LIST)
                    .hasSize(2)
                    .allSatisfy(t -> assertThat(t.serverMs()).isNotNull().isGreaterThanOrEqualTo(0.0));
            assertThat(r.serverMs()).isNotNull();
            assertThat(r.timings()).extracting(PhaseTiming::phase).contains(Phase.CLOSE);
            assertThat(server.openSessions()).as("the probe's DELETE ended its session").isZero();
        }
    }

    @Test
    void serverTimingIsMillisecondsWithThreeDecimals() {
        assertThat(FastMcpServer.millis(0)).isEqualTo("0.000");
        assertThat(FastMcpServer.millis(7_000)).isEqualTo("0.007");
        assertThat(FastMcpServer.millis(56_000)).isEqualTo("0.056");
        assertThat(FastMcpServer.millis(1_234_567)).isEqualTo("1.234");
    }
}
