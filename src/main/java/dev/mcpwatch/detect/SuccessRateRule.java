package dev.mcpwatch.detect;

import dev.mcpwatch.config.DetectionSettings;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import java.sql.SQLException;
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

    @Override
    public String id() {
        return "success_rate.low";
    }

    @Override
    public Severity severity() {
        return Severity.P3;
    }

    @Override
    public boolean enabled(DetectionSettings s) {
        return s.successRate().enabled();
    }

    @Override
    public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) throws SQLException {
        if (!Rule.firstProbeOfTheHour(ctx, memory)) {
            return Verdict.UNCHANGED;
        }
        long hour = Resolution.HOUR.bucketStart(ctx.now());
        DetectionSettings.SuccessRate s = ctx.settings().successRate();
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
