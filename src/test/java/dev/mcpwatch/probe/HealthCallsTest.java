package dev.mcpwatch.probe;

import static dev.mcpwatch.testkit.ScriptedMcp.tool;
import static dev.mcpwatch.testkit.ScriptedMcp.toolsResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several health-check tools called on every probe: each outcome is recorded; the probe fails only
 * when all of them fail, and when some fail while others succeed the server counts as up (degraded),
 * which the detection rules judge from the per-tool outcomes.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HealthCallsTest {
    private final Prober prober = new Prober();

    /** A server with three tools of which {@code broken} answer with isError. */
    private static ScriptedMcp server(Set<String> broken) {
        return ScriptedMcp.legacy()
                .on("tools/list", ScriptedMcp.reply(toolsResult(tool("forecast"), tool("alerts"), tool("radar"))))
                .on("tools/call", (http, msg) -> {
                    String name = msg.path("params").path("name").asString();
                    var result = ScriptedMcp.textResult(broken.contains(name) ? "upstream 502" : name + " ok");
                    if (broken.contains(name)) {
                        result.put("isError", true);
                    }
                    http.json(200, ScriptedMcp.result(msg, result));
                });
    }

    private ProbeResult probe(ScriptedMcp mcp, String... tools) {
        List<ProbeSpec.ToolCall> calls = Arrays.stream(tools).map(t -> new ProbeSpec.ToolCall(t, null, null)).toList();
        try (FixtureServer server = FixtureServer.http(mcp)) {
            return prober.probe(ProbeSpec.http(server.url("/mcp")).toolCalls(calls).build());
        }
    }

    @Test
    void everyCallIsMadeAndRecordedInOrder() {
        ProbeResult r = probe(server(Set.of()), "forecast", "alerts", "radar");

        assertThat(r.healthy()).isTrue();
        assertThat(r.toolCalls()).extracting(ToolCallOutcome::tool, ToolCallOutcome::ok, ToolCallOutcome::text)
                .containsExactly(tuple("forecast", true, "forecast ok"),
                        tuple("alerts", true, "alerts ok"),
                        tuple("radar", true, "radar ok"));
        assertThat(r.toolCall()).as("the first call, as with one configured").isEqualTo(r.toolCalls().getFirst());
        assertThat(r.timings()).filteredOn(t -> t.phase() == Phase.TOOL_CALL).hasSize(3);
    }

    @Test
    void someToolsFailingWhileOthersSucceedLeavesTheProbeHealthyWithTheFailuresRecorded() {
        ProbeResult r = probe(server(Set.of("alerts")), "forecast", "alerts", "radar");

        assertThat(r.healthy()).as("the server is up: two of three tools work").isTrue();
        assertThat(r.toolCalls()).extracting(ToolCallOutcome::tool, ToolCallOutcome::ok, ToolCallOutcome::isError)
                .containsExactly(tuple("forecast", true, false),
                        tuple("alerts", false, true),
                        tuple("radar", true, false));
        assertThat(r.warnings()).contains("health-check tool `alerts`: Tool `alerts` returned isError: upstream 502");
    }

    @Test
    void allToolsFailingFailsTheProbeNamingEachOne() {
        ProbeResult r = probe(server(Set.of("forecast", "alerts")), "forecast", "alerts");

        assertThat(r.failure()).extracting(Failure::reason, Failure::phase).containsExactly(Reason.TOOL_CALL_ERROR, Phase.TOOL_CALL);
        assertThat(r.failure().message()).isEqualTo("All 2 health-check tools failed: `forecast`: Tool `forecast` returned isError: "
                + "upstream 502; `alerts`: Tool `alerts` returned isError: upstream 502");
        assertThat(r.toolCalls()).extracting(ToolCallOutcome::ok).containsExactly(false, false);
    }

    @Test
    void aHealthToolMissingFromTheListIsThatToolFailingNotTheProbe() {
        ProbeResult r = probe(server(Set.of()), "forecast", "satellite");

        assertThat(r.healthy()).isTrue();
        assertThat(r.toolCalls()).extracting(ToolCallOutcome::tool, ToolCallOutcome::ok)
                .containsExactly(tuple("forecast", true),
                        tuple("satellite", false));
        assertThat(r.toolCalls().get(1).text()).isEqualTo("Health-check tool `satellite` is not listed (server lists 3 tools)");
    }

    @Test
    void oneConfiguredCallStillFailsTheProbeOnItsOwnFailure() {
        ProbeResult r = probe(server(Set.of("alerts")), "alerts");

        assertThat(r.failure()).extracting(Failure::reason, Failure::message)
                .containsExactly(Reason.TOOL_CALL_ERROR, "Tool `alerts` returned isError: upstream 502");
        assertThat(r.toolCall().isError()).isTrue();
    }
}
