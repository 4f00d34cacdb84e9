package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * P3 — the probe success rate over 24 h is between 95 % and 99 %: isolated failures that never
 * confirm an outage but say the server is unsteady. Once an hour, over the last {@code window} (24)
 * completed hours of rollups, with at least {@code min_probes} (100) probes: holds while
 * {@code low} ≤ rate < {@code high}. Below {@code low} the monitor has had outages or flapping, which
 * page on their own; this leading indicator stays quiet there.
 */
final class SuccessRateRule implements Rule {

    /** {@code detection.success_rate} in the configuration. */
    record Settings(boolean enabled, double low, double high, Duration window, int minProbes) implements Rules.Settings {}

    static final Block<Settings> SETTINGS = Block.of("success_rate", Settings.class, new Settings(true, 0.95, 0.99, Duration.ofHours(24), 100), """
            {
              "description": "P3: probe success rate in [low, high) (checked hourly)",
              "properties": {
                "low": {"$ref": "#/$defs/share"},
                "high": {"$ref": "#/$defs/share"},
                "window": {"$ref": "#/$defs/duration", "description": "completed hours"},
                "min_probes": {"$ref": "#/$defs/integer", "minimum": 1, "maximum": 10000000}
              }
            }
            """).checkedBy((s, at) -> {
                RuleChecks.share(at, "low", s.low(), 0, 1);
                RuleChecks.share(at, "high", s.high(), 0, 1);
                if (s.low() >= s.high() && !at.at("low").failed() && !at.at("high").failed()) {
                    at.at(at.written("low") ? "low" : "high").problem("low (" + RuleChecks.percent(s.low()) + ") must be below high ("
                            + RuleChecks.percent(s.high()) + ")");
                }
                RuleChecks.wholeHours(at, "window", s.window(), 1);
            });

    @Override
    public String id() {
        return "success_rate.low";
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
        if (!Rule.firstProbeOfTheHour(ctx, memory)) {
            return Verdict.UNCHANGED;
        }
        long hour = Resolution.HOUR.bucketStart(ctx.now());
        Settings s = ctx.settings(SETTINGS);
        RollupStore.Summary w = ctx.stores().rollups().summary(ctx.c(), ctx.monitorId(), Resolution.HOUR, hour - s.window().toMillis(), hour);
        Double rate = w.availability();
        if (w.probes() < s.minProbes() || rate == null || rate < s.low() || rate >= s.high()) {
            return Verdict.nothing(memory);
        }
        String message = "probe success rate over the last " + Words.duration(s.window()) + " is " + Words.percent(rate) + " ("
                + w.failures() + " of " + w.probes() + " probes failed), below " + Words.percent(s.high());
        ObjectNode detail = Json.object().put("probes", w.probes()).put("failures", w.failures()).put("success_rate", rate);
        detail.set("failures_by_reason", Json.MAPPER.valueToTree(w.failuresByReason()));
        return Verdict.of(memory, Map.of("", held.containsKey("") ? held.get("") : Finding.warning("", ctx.now(), message, detail)));
    }
}
