package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * P3 — p95 latency trending upward over 48 h: a leading indicator before the P2 latency rule fires.
 * Once an hour (at the first probe of each hour), on the hourly p95 of the last {@code window} (48)
 * completed hours, with at least {@code min_hours} (24) hours that have healthy probes, both must hold:
 *
 * <ul>
 *   <li>the Mann–Kendall test finds an upward trend at {@code confidence} (99 %, one-sided) — a
 *       rank test, so noise and a lone slow hour do not make a trend;
 *   <li>the median of the last six hours is at least {@code min_rise} (25 %) above the median of the
 *       first six — a trend too small to matter is not worth a warning.
 * </ul>
 * The warning clears at the first hourly evaluation where either no longer holds.
 */
final class LatencyTrendRule implements Rule {

    /** {@code detection.latency_trend} in the configuration. */
    record Settings(boolean enabled, Duration window, int minHours, double confidence, double minRise) implements Rules.Settings {}

    static final Block<Settings> SETTINGS = Block.of("latency_trend", Settings.class, new Settings(true, Duration.ofHours(48), 24, 0.99, 0.25), """
            {
              "description": "P3: p95 trending up (checked hourly)",
              "properties": {
                "window": {"$ref": "#/$defs/duration", "description": "hourly p95 over this many completed hours (whole hours, at least 12h)"},
                "min_hours": {"$ref": "#/$defs/integer", "minimum": 12, "maximum": 10000, "description": "hours with data needed"},
                "confidence": {
                  "$ref": "#/$defs/share", "description": "Mann-Kendall upward trend at this confidence (one-sided), 50% to 99.99% ..."
                },
                "min_rise": {"$ref": "#/$defs/share", "description": "... and the last 6 hours' median this much above the first 6 hours'"}
              }
            }
            """).checkedBy((s, at) -> {
                Duration window = s.window();
                RuleChecks.wholeHours(at, "window", window, 12);
                if (s.minHours() > window.toHours() && window.toHours() >= 12) {
                    at.at("min_hours").problem("must not exceed the window's " + window.toHours() + " hours, got " + s.minHours());
                }
                RuleChecks.share(at, "confidence", s.confidence(), 0.5, 0.9999);
                RuleChecks.share(at, "min_rise", s.minRise(), 0, 100);
            });
    private static final int ENDS = 6;

    @Override
    public String id() {
        return "latency.trend";
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
        List<Double> series = new ArrayList<>();
        for (RollupStore.Bucket b : ctx.stores().rollups().buckets(ctx.c(), ctx.monitorId(), Resolution.HOUR,
                hour - s.window().toMillis(), hour)) {
            if (b.p95() != null) {
                series.add(b.p95());
            }
        }
        if (series.size() < s.minHours()) {
            return Verdict.nothing(memory);
        }
        Stats.MannKendall mk = Stats.MannKendall.of(series);
        double first = Stats.median(series.subList(0, ENDS));
        double last = Stats.median(series.subList(series.size() - ENDS, series.size()));
        double rise = last / first - 1;
        if (mk.pUpward() > 1 - s.confidence() || rise < s.minRise()) {
            return Verdict.nothing(memory);
        }
        String message = "p95 latency is trending up: " + Words.ms(first) + " → " + Words.ms(last) + " (+" + Words.percent(rise)
                + ") over the last " + Words.duration(s.window()) + String.format(Locale.ROOT, " (Mann–Kendall z = %.1f, p %s)", mk.z(),
                mk.pUpward() < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "= %.3f", mk.pUpward()));
        ObjectNode detail = Json.object();
        detail.put("hours", series.size());
        detail.put("first_p95_ms", first);
        detail.put("last_p95_ms", last);
        detail.put("rise", rise);
        detail.put("mann_kendall_s", mk.s());
        detail.put("z", mk.z());
        detail.put("p", mk.pUpward());
        Finding f = held.containsKey("") ? held.get("") : Finding.warning("", ctx.now(), message, detail);
        return Verdict.of(memory, Map.of("", f));
    }
}
