package dev.mcpwatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Era;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.WebFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * mcpwatch probing its own {@code /mcp} the way it probes any MCP server: both eras healthy, the
 * eight tools listed, before any password exists (reads are open then, as on a fresh install).
 */
class McpEndpointProbeTest {
    private static WebFixture web;

    @BeforeAll
    static void start() {
        web = WebFixture.start(ServeFixture.tempDir("mcpwatch-mcp-probe-"), "monitors: []\n");
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @Test
    void theModernEraIsHealthyWithEightTools() {
        ProbeResult r = new Prober().probe(ProbeSpec.http(web.url("/mcp")).revision("2026-07-28").build());

        assertThat(r.failure()).isNull();
        assertThat(r.healthy()).isTrue();
        assertThat(r.era()).isEqualTo(Era.MODERN);
        assertThat(r.server().name()).isEqualTo("mcpwatch");
        assertThat(r.tools().count()).isEqualTo(8);
    }

    @Test
    void theLegacyEraIsHealthyWithEightTools() {
        ProbeResult r = new Prober().probe(ProbeSpec.http(web.url("/mcp")).revision("2025-11-25").build());

        assertThat(r.failure()).isNull();
        assertThat(r.era()).isEqualTo(Era.LEGACY);
        assertThat(r.sessionUsed()).isFalse();
        assertThat(r.tools().names()).containsExactly("list_monitors", "get_monitor", "list_incidents", "get_incident",
                "get_tool_drift", "get_reliability", "acknowledge_incident", "post_status_update");
    }

    @Test
    void withoutAPinnedRevisionTheProbeFindsTheModernEra() {
        ProbeResult r = new Prober().probe(ProbeSpec.http(web.url("/mcp")).build());

        assertThat(r.failure()).isNull();
        assertThat(r.era()).isEqualTo(Era.MODERN);
        assertThat(r.eraDetected()).isTrue();
        assertThat(r.tools().count()).isEqualTo(8);
    }
}
