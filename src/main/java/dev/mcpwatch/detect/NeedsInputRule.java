package dev.mcpwatch.detect;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ToolCallOutcome;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * P3 — a health-check tool asks for input (2026-07-28 {@code input_required}) that the monitor's
 * configuration does not answer. The server works; the monitor is misconfigured, so the call checks
 * nothing: a warning for the operator, never an outage. Holds per tool until its call completes again
 * (or the probe did not get as far as calling it: then nothing is said). Reads nothing.
 */
final class NeedsInputRule implements Rule {

    @Override
    public String id() {
        return "health_call.needs_input";
    }

    @Override
    public Severity severity() {
        return Severity.P3;
    }

    @Override
    public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) {
        if (ctx.result().toolCalls().isEmpty()) {
            return Verdict.UNCHANGED;
        }
        Map<String, Finding> now = new HashMap<>();
        for (ToolCallOutcome call : ctx.result().toolCalls()) {
            if (call.unanswered()) {
                Finding kept = held.get(call.tool());
                now.put(call.tool(), kept != null ? kept : Finding.warning(call.tool(), ctx.now(), call.text(),
                        Json.object().put("tool", call.tool())));
            }
        }
        return now.keySet().equals(held.keySet()) ? Verdict.UNCHANGED : Verdict.of(memory, now);
    }
}
