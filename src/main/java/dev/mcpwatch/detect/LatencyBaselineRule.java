package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * P2 — p95 latency at least {@code factor} (2×) its 7-day baseline for a sustained window.
 *
 * <ul>
 *   <li>Now: the p95 of the healthy probes' total time over the last {@code window} (5 min, or three
 *       probe intervals when that is longer, so a slow monitor still has a few probes), from minute
 *       rollups; at least {@code min_probes} probes.
 *   <li>Baseline: the median of the hourly p95 over the {@code baseline} (7 days) before the current
 *       hour, from hour rollups; at least {@code min_baseline_probes} healthy probes. A median of
 *       hourly figures, not one p95 over the week: the week's p95 is its slowest 5 % — eight hours —
 *       so it would follow a degradation within hours and never flag it.
 *   <li>Holds once now ≥ factor × baseline has been true at every probe for {@code sustain} (15 min),
 *       so a single slow probe, which raises the window's p95 for one window only, never fires;
 *       ends once it has been false for {@code sustain}.
 * </ul>
 * Failed probes carry no latency and change nothing. The baseline is computed once per hour and kept
 * in memory; each probe reads a handful of minute rollups.
 */
final class LatencyBaselineRule implements Rule {

    /** {@code detection.latency} in the configuration. */
    record Settings(boolean enabled, double factor, Duration window, Duration sustain, Duration baseline, int minProbes,
            int minBaselineProbes) implements Rules.Settings {}

    static final Block<Settings> SETTINGS = Block.of("latency", Settings.class, new Settings(true, 2.0, Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofDays(7), 3, 100), """
            {
              "description": "P2: p95 at factor x its baseline, sustained",
              "properties": {
                "factor": {"$ref": "#/$defs/number", "minimum": 1.1, "maximum": 100, "description": "p95 of the window at least this many times the baseline"},
                "window": {
                  "$ref": "#/$defs/duration",
                  "description": "p95 over this (or 3 probe intervals, if longer), from minute rollups"
                },
                "sustain": {"$ref": "#/$defs/duration", "description": "held this long at every probe before it fires; below this long to end"},
                "baseline": {
                  "$ref": "#/$defs/duration",
                  "description": "the baseline: median of the hourly p95 over this (whole hours), before the current hour"
                },
                "min_probes": {"$ref": "#/$defs/integer", "minimum": 1, "maximum": 100000, "description": "probes the window needs to be judged"},
                "min_baseline_probes": {
                  "$ref": "#/$defs/integer", "minimum": 1, "maximum": 10000000, "description": "healthy probes the baseline needs"
                }
              }
            }
            """).checkedBy((s, at) -> {
                RuleChecks.positive(at, "window", s.window());
                RuleChecks.wholeHours(at, "baseline", s.baseline(), 1);
            });

    @Override
    public String id() {
        return "latency.baseline";
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
    public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) throws SQLException {
        if (!ctx.result().healthy()) {
            return Verdict.UNCHANGED;
        }
        Settings s = ctx.settings(SETTINGS);
        long now = ctx.now();
        long hour = Resolution.HOUR.bucketStart(now);
        if (memory.path("hour").asLong(-1) != hour) {
            baseline(ctx, memory, hour, s);
        }
        Duration window = max(s.window(), ctx.monitor().interval().multipliedBy(s.minProbes()));
        var current = ctx.stores().rollups().summary(ctx.c(), ctx.monitorId(), Resolution.MINUTE, now - window.toMillis(), now + 1).latency();
        boolean judged = current.count() >= s.minProbes() && memory.has("p95") && memory.path("n").asLong() >= s.minBaselineProbes();
        if (!judged) {
            return Verdict.of(memory, held);
        }
        double baseline = memory.get("p95").asDouble();
        double p95 = current.quantile(0.95);
        boolean above = p95 >= s.factor() * baseline;
        boolean holding = held.containsKey("");
        if (above) {
            memory.remove("below");
            long since = memory.path("above").asLong(now);
            memory.put("above", since);
            if (holding || now - since >= s.sustain().toMillis()) {
                String sentence = "p95 latency " + Words.ms(p95) + " over the last " + Words.duration(window) + " is "
                        + Words.times(p95 / baseline) + " its baseline of " + Words.ms(baseline) + " (median hourly p95 over "
                        + Words.duration(s.baseline()) + "), for " + Words.duration(s.sustain()) + " or more";
                return Verdict.of(memory, Map.of("", holding ? held.get("") : Finding.degradation("", since,
                        new Failure(Reason.TIMEOUT, Phase.TOTAL, sentence), 0)));
            }
            return Verdict.of(memory, held);
        }
        memory.remove("above");
        if (!holding) {
            memory.remove("below");
            return Verdict.of(memory, held);
        }
        long below = memory.path("below").asLong(now);
        memory.put("below", below);
        return now - below >= s.sustain().toMillis() ? Verdict.nothing(memory.remove(List.of("below"))) : Verdict.of(memory, held);
    }

    /** The median of the hourly p95 over the baseline period before {@code hour}, into memory. */
    private static void baseline(Context ctx, ObjectNode memory, long hour, Settings s) throws SQLException {
        List<RollupStore.Bucket> hours = ctx.stores().rollups().buckets(ctx.c(), ctx.monitorId(), Resolution.HOUR,
                hour - s.baseline().toMillis(), hour);
        List<Double> p95s = new ArrayList<>();
        long healthy = 0;
        for (RollupStore.Bucket b : hours) {
            if (b.p95() != null) {
                p95s.add(b.p95());
                healthy += b.probes() - b.failures();
            }
        }
        memory.put("hour", hour);
        memory.put("n", healthy);
        if (p95s.isEmpty()) {
            memory.remove("p95");
        } else {
            memory.put("p95", Stats.median(p95s));
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
