package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ToolCallOutcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * P2 — some tools error while others succeed. With several health-check calls, a tool that fails
 * {@code failures} probes in a row while another tool of the same probe succeeds is confirmed
 * failing (the same confirmation an outage needs); it recovers after {@code successes} successful
 * calls in a row. With one call there is no "other" tool: its failure fails the probe, which is the
 * outage state machine's business — and so is every failed probe (all calls failing, or the probe
 * failing before them): only probes that passed count here, so an outage never confirms a
 * degradation of its own.
 *
 * <p>Memory per tool: its current run of failures and of successes (capped at the thresholds, so a
 * steady monitor stops writing), when the failing run began and its last error.
 */
final class ToolErrorsRule implements Rule {

    /** {@code detection.tool_errors} in the configuration. */
    record Settings(boolean enabled, int failures, int successes) implements Rules.Settings {}

    static final Block<Settings> SETTINGS = Block.of("tool_errors", Settings.class, new Settings(true, 3, 2), """
            {
              "description": "P2: a health-check tool fails while another succeeds (needs expect.calls)",
              "properties": {
                "failures": {"$ref": "#/$defs/integer", "minimum": 1, "maximum": 100, "description": "failed calls in a row that confirm it"},
                "successes": {"$ref": "#/$defs/integer", "minimum": 1, "maximum": 100, "description": "successful calls in a row that end it"}
              }
            }
            """);

    @Override
    public String id() {
        return "tool.errors";
    }

    @Override
    public Severity severity() {
        return Severity.P2;
    }

    @Override
    public Block<Settings> settings() {
        return SETTINGS;
    }

    @Override
    public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) {
        Settings s = ctx.settings(SETTINGS);
        if (ctx.monitor().calls().size() < 2) {
            return memory.isEmpty() && held.isEmpty() ? Verdict.UNCHANGED : Verdict.nothing(memory.removeAll());
        }
        List<ToolCallOutcome> calls = ctx.result().toolCalls();
        if (calls.isEmpty() || !ctx.result().healthy()) {
            return Verdict.UNCHANGED; // a failed probe is the outage's evidence, not a tool's
        }
        Set<String> configured = ctx.monitor().calls().stream().map(c -> c.tool()).collect(Collectors.toSet());
        memory.propertyNames().stream().filter(t -> !configured.contains(t)).toList().forEach(memory::remove);
        for (ToolCallOutcome call : calls) {
            if (call.unanswered()) {
                continue; // not checked this time (it asked for input): health_call.needs_input says so
            }
            ObjectNode tool = memory.has(call.tool()) ? (ObjectNode) memory.get(call.tool()) : memory.putObject(call.tool());
            if (call.ok()) {
                tool.put("s", Math.min(tool.path("s").asInt() + 1, s.successes())).put("f", 0);
                tool.remove(List.of("since", "error"));
            } else {
                if (tool.path("f").asInt() == 0) {
                    tool.put("since", ctx.result().startedAt().toEpochMilli());
                }
                tool.put("f", Math.min(tool.path("f").asInt() + 1, s.failures())).put("s", 0);
                tool.put("error", call.text() == null ? "failed" : call.text());
            }
        }
        Map<String, Finding> now = new HashMap<>();
        for (String name : memory.propertyNames()) {
            ObjectNode tool = (ObjectNode) memory.get(name);
            boolean wasHeld = held.containsKey(name);
            List<String> working = calls.stream().filter(c -> c.ok() && !c.tool().equals(name)).map(ToolCallOutcome::tool).toList();
            boolean confirmed = tool.path("f").asInt() >= s.failures() && !working.isEmpty();
            boolean recovered = tool.path("s").asInt() >= s.successes();
            if (wasHeld && !recovered) {
                now.put(name, held.get(name));
            } else if (!wasHeld && confirmed) {
                String sentence = "Health-check tool `" + name + "` failed in " + s.failures() + " probes in a row while "
                        + Words.tools(working) + (working.size() == 1 ? " succeeds" : " succeed") + ": " + tool.path("error").asString();
                now.put(name, Finding.degradation(name, tool.path("since").asLong(ctx.now()),
                        new Failure(Reason.TOOL_CALL_ERROR, Phase.TOOL_CALL, sentence), s.failures()));
            }
        }
        return Verdict.of(memory, now);
    }

    /** A tool failed but is not confirmed failing yet; or it is, and its successes started to come back. */
    @Override
    public boolean confirming(ObjectNode memory, Map<String, Finding> held, Context ctx) {
        for (String name : memory.propertyNames()) {
            JsonNode tool = memory.get(name);
            boolean failing = held.containsKey(name);
            if (!failing && tool.path("f").asInt() > 0 || failing && tool.path("s").asInt() > 0) {
                return true;
            }
        }
        return false;
    }
}
