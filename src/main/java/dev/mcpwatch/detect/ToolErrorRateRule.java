package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.ToolCallStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * P3 — a tool's error rate is elevated below the P2 threshold: isolated failures of a health-check
 * tool that never reach the {@code tool_errors} confirmation. Once an hour, over the last
 * {@code window} (24) completed hours of per-tool call counts: a warning per tool whose error rate is
 * {@code threshold} (1 %) or more, with at least {@code min_calls} (20) calls. It clears at the first
 * hourly evaluation below. A tool failing persistently opens the P2 incident as well; this warning is
 * the earlier, quieter sign. Also deletes the monitor's per-tool hours older than it needs.
 */
final class ToolErrorRateRule implements Rule {

    /** {@code detection.tool_error_rate} in the configuration. */
    record Settings(boolean enabled, double threshold, Duration window, int minCalls) implements Rules.Settings {}

    static final Block<Settings> SETTINGS = Block.of("tool_error_rate", Settings.class, new Settings(true, 0.01, Duration.ofHours(24), 20), """
            {
              "description": "P3: a health-check tool's error rate (checked hourly)",
              "properties": {
                "threshold": {"$ref": "#/$defs/share", "description": "error rate at or above this ..."},
                "window": {"$ref": "#/$defs/duration", "description": "... over this many completed hours ..."},
                "min_calls": {"$ref": "#/$defs/integer", "minimum": 1, "maximum": 10000000, "description": "... with at least this many calls"}
              }
            }
            """).checkedBy((s, at) -> {
                RuleChecks.share(at, "threshold", s.threshold(), 0.0001, 1);
                RuleChecks.wholeHours(at, "window", s.window(), 1);
            });
    private static final Duration KEEP_AT_LEAST = Duration.ofDays(8);

    @Override
    public String id() {
        return "tool.error_rate";
    }

    @Override
    public Severity severity() {
        return Severity.P3;
    }

    @Override
    public Block<Settings> settings() {
        return SETTINGS;
    }

    @Override
    public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) throws SQLException {
        if (ctx.monitor().calls().isEmpty()) {
            return memory.isEmpty() && held.isEmpty() ? Verdict.UNCHANGED : Verdict.nothing(memory.removeAll());
        }
        if (!Rule.firstProbeOfTheHour(ctx, memory)) {
            return Verdict.UNCHANGED;
        }
        long hour = Resolution.HOUR.bucketStart(ctx.now());
        Settings s = ctx.settings(SETTINGS);
        ToolCallStore store = ctx.stores().toolCalls();
        long keep = Math.max(s.window().toMillis(), KEEP_AT_LEAST.toMillis());
        store.deleteOlderThan(ctx.c(), ctx.monitorId(), hour - keep);
        Map<String, Finding> now = new HashMap<>();
        for (var e : store.window(ctx.c(), ctx.monitorId(), hour - s.window().toMillis(), hour).entrySet()) {
            ToolCallStore.Counts n = e.getValue();
            if (n.calls() < s.minCalls() || n.errorRate() < s.threshold()) {
                continue;
            }
            String tool = e.getKey();
            String message = "health-check tool `" + tool + "` failed " + n.errors() + " of " + n.calls() + " calls ("
                    + Words.percent(n.errorRate()) + ") in the last " + Words.duration(s.window());
            ObjectNode detail = Json.object().put("tool", tool).put("calls", n.calls()).put("errors", n.errors())
                    .put("error_rate", n.errorRate());
            now.put(tool, held.containsKey(tool) ? held.get(tool) : Finding.warning(tool, ctx.now(), message, detail));
        }
        return Verdict.of(memory, now);
    }
}
