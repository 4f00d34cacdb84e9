package dev.mcpwatch.config;

import dev.mcpwatch.probe.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The thresholds of the detection rules (docs/detection.md), under {@code detection:} in the
 * defaults or a monitor. Every rule has {@code enabled} and its own few numbers; the defaults are
 * the incident-response guide's values, and a monitor overrides only the keys it names.
 */
public record DetectionSettings(ToolErrors toolErrors, Latency latency, Flapping flapping, FewerTools fewerTools,
        Certificate certificate, LatencyTrend latencyTrend, ToolErrorRate toolErrorRate, SuccessRate successRate, Drift drift) {

    /** P2: a health-check tool fails {@code failures} probes in a row while another succeeds; ends after {@code successes} in a row. */
    public record ToolErrors(boolean enabled, int failures, int successes) {}

    /**
     * P2: the p95 of the last {@code window} (at least three probe intervals) is {@code factor} × the
     * baseline (median of the hourly p95 over {@code baseline}) or more, continuously for {@code sustain};
     * ends once below for {@code sustain}.
     */
    public record Latency(boolean enabled, double factor, Duration window, Duration sustain, Duration baseline, int minProbes,
            int minBaselineProbes) {}

    /** P2: {@code changes} or more changes between passing and failing within {@code window}; ends after {@code window} without one. */
    public record Flapping(boolean enabled, int changes, Duration window) {}

    /** P2: fewer tools than the schema baseline in {@code confirm} of the last {@code of} lists; ends after {@code of} full lists in a row. */
    public record FewerTools(boolean enabled, int confirm, int of) {}

    /** P3: a reminder when the certificate's days left reach each of {@code reminderDays}, once per certificate and threshold. */
    public record Certificate(boolean enabled, List<Integer> reminderDays) {
        public Certificate {
            reminderDays = List.copyOf(reminderDays);
        }
    }

    /**
     * P3: the hourly p95 over {@code window} rises: Mann–Kendall upward at {@code confidence}, and the
     * median of its last six hours at least {@code minRise} above the median of its first six.
     */
    public record LatencyTrend(boolean enabled, Duration window, int minHours, double confidence, double minRise) {}

    /** P3: a health-check tool's error rate over {@code window} is {@code threshold} or more (with {@code minCalls} calls). */
    public record ToolErrorRate(boolean enabled, double threshold, Duration window, int minCalls) {}

    /** P3: the probe success rate over {@code window} is at least {@code low} and below {@code high} (with {@code minProbes} probes). */
    public record SuccessRate(boolean enabled, double low, double high, Duration window, int minProbes) {}

    /** P3: the tool list differs from the acknowledged baseline. */
    public record Drift(boolean enabled) {}

    public static final DetectionSettings DEFAULT = new DetectionSettings(
            new ToolErrors(true, 3, 2),
            new Latency(true, 2.0, Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofDays(7), 3, 100),
            new Flapping(true, 4, Duration.ofMinutes(30)),
            new FewerTools(true, 3, 5),
            new Certificate(true, List.of(30, 14, 7, 1)),
            new LatencyTrend(true, Duration.ofHours(48), 24, 0.99, 0.25),
            new ToolErrorRate(true, 0.01, Duration.ofHours(24), 20),
            new SuccessRate(true, 0.95, 0.99, Duration.ofHours(24), 100),
            new Drift(true));

    private static final Set<String> RULES = Set.of("tool_errors", "latency", "flapping", "fewer_tools", "certificate",
            "latency_trend", "tool_error_rate", "success_rate", "drift");

    /** Reads {@code detection} at {@code n} over {@code base}: keys not given keep the base's values. */
    static DetectionSettings read(Node n, DetectionSettings base) {
        if (!n.requireObject()) {
            return base;
        }
        n.allowOnly(RULES);
        return new DetectionSettings(toolErrors(n.get("tool_errors"), base.toolErrors()), latency(n.get("latency"), base.latency()),
                flapping(n.get("flapping"), base.flapping()), fewerTools(n.get("fewer_tools"), base.fewerTools()),
                certificate(n.get("certificate"), base.certificate()), trend(n.get("latency_trend"), base.latencyTrend()),
                toolErrorRate(n.get("tool_error_rate"), base.toolErrorRate()), successRate(n.get("success_rate"), base.successRate()),
                drift(n.get("drift"), base.drift()));
    }

    private static ToolErrors toolErrors(Node n, ToolErrors b) {
        if (!open(n, "failures", "successes")) {
            return b;
        }
        return new ToolErrors(n.bool("enabled", b.enabled()), n.integer("failures", b.failures(), 1, 100),
                n.integer("successes", b.successes(), 1, 100));
    }

    private static Latency latency(Node n, Latency b) {
        if (!open(n, "factor", "window", "sustain", "baseline", "min_probes", "min_baseline_probes")) {
            return b;
        }
        Duration baseline = n.duration("baseline", b.baseline());
        wholeHours(n, "baseline", baseline, 1);
        return new Latency(n.bool("enabled", b.enabled()), number(n, "factor", b.factor(), 1.1, 100, false),
                positive(n, "window", b.window()), n.duration("sustain", b.sustain()), baseline,
                n.integer("min_probes", b.minProbes(), 1, 100_000), n.integer("min_baseline_probes", b.minBaselineProbes(), 1, 10_000_000));
    }

    private static Flapping flapping(Node n, Flapping b) {
        if (!open(n, "changes", "window")) {
            return b;
        }
        return new Flapping(n.bool("enabled", b.enabled()), n.integer("changes", b.changes(), 2, 1000), positive(n, "window", b.window()));
    }

    private static FewerTools fewerTools(Node n, FewerTools b) {
        if (!open(n, "confirm", "of")) {
            return b;
        }
        int confirm = n.integer("confirm", b.confirm(), 1, 100);
        int of = n.integer("of", b.of(), 1, 100);
        if (confirm > of) {
            n.get(n.has("confirm") ? "confirm" : "of").problem("confirm (" + confirm + ") must not exceed of (" + of + ")");
        }
        return new FewerTools(n.bool("enabled", b.enabled()), confirm, Math.max(confirm, of));
    }

    private static Certificate certificate(Node n, Certificate b) {
        if (!open(n, "reminders")) {
            return b;
        }
        List<Integer> days = b.reminderDays();
        Node r = n.get("reminders");
        if (!r.isMissing()) {
            TreeSet<Integer> set = new TreeSet<>();
            for (Node item : r.items()) {
                JsonNode v = item.raw();
                if (v == null || !v.isIntegralNumber() || v.asInt() < 0 || v.asInt() > 3650) {
                    item.problem("must be a number of days between 0 and 3650, got " + (v == null ? "nothing" : v.toString()));
                } else {
                    set.add(v.asInt());
                }
            }
            days = new ArrayList<>(set.descendingSet());
        }
        return new Certificate(n.bool("enabled", b.enabled()), days);
    }

    private static LatencyTrend trend(Node n, LatencyTrend b) {
        if (!open(n, "window", "min_hours", "confidence", "min_rise")) {
            return b;
        }
        Duration window = n.duration("window", b.window());
        wholeHours(n, "window", window, 12);
        int minHours = n.integer("min_hours", b.minHours(), 12, 10_000);
        if (minHours > window.toHours() && window.toHours() >= 12) {
            n.get("min_hours").problem("must not exceed the window's " + window.toHours() + " hours, got " + minHours);
        }
        return new LatencyTrend(n.bool("enabled", b.enabled()), window, minHours, number(n, "confidence", b.confidence(), 0.5, 0.9999, true),
                number(n, "min_rise", b.minRise(), 0, 100, true));
    }

    private static ToolErrorRate toolErrorRate(Node n, ToolErrorRate b) {
        if (!open(n, "threshold", "window", "min_calls")) {
            return b;
        }
        Duration window = n.duration("window", b.window());
        wholeHours(n, "window", window, 1);
        return new ToolErrorRate(n.bool("enabled", b.enabled()), number(n, "threshold", b.threshold(), 0.0001, 1, true), window,
                n.integer("min_calls", b.minCalls(), 1, 10_000_000));
    }

    private static SuccessRate successRate(Node n, SuccessRate b) {
        if (!open(n, "low", "high", "window", "min_probes")) {
            return b;
        }
        double low = number(n, "low", b.low(), 0, 1, true);
        double high = number(n, "high", b.high(), 0, 1, true);
        if (low >= high) {
            n.get(n.has("low") ? "low" : "high").problem("low (" + percent(low) + ") must be below high (" + percent(high) + ")");
        }
        Duration window = n.duration("window", b.window());
        wholeHours(n, "window", window, 1);
        return new SuccessRate(n.bool("enabled", b.enabled()), low, high, window, n.integer("min_probes", b.minProbes(), 1, 10_000_000));
    }

    private static Drift drift(Node n, Drift b) {
        if (!open(n)) {
            return b;
        }
        return new Drift(n.bool("enabled", b.enabled()));
    }

    /** True when the rule's mapping is there (and checked for unknown keys); false leaves the base as it is. */
    private static boolean open(Node n, String... keys) {
        if (!n.requireObject()) {
            return false;
        }
        Set<String> allowed = new TreeSet<>(List.of(keys));
        allowed.add("enabled");
        n.allowOnly(allowed);
        return true;
    }

    private static Duration positive(Node n, String key, Duration fallback) {
        Duration d = n.duration(key, fallback);
        if (d.isZero()) {
            n.get(key).problem("must be more than 0");
            return fallback;
        }
        return d;
    }

    /** Windows read from hourly rollups must be whole hours. */
    private static void wholeHours(Node n, String key, Duration d, int minHours) {
        if (d.toMillis() % 3_600_000 != 0 || d.toHours() < minHours) {
            n.get(key).problem("must be a whole number of hours, at least " + minHours + "h (it is read from hourly rollups), got "
                    + d.toMillis() / 60_000 + "m");
        }
    }

    /**
     * A number in [min, max]. With {@code percent}, {@code 25%} and {@code 0.25} mean the same; a bare
     * number above 1 is refused rather than guessed at.
     */
    private static double number(Node n, String key, double fallback, double min, double max, boolean percent) {
        Node at = n.get(key);
        JsonNode v = at.raw();
        if (v == null) {
            return fallback;
        }
        double value;
        String text = v.isString() ? v.asString().strip() : null;
        if (v.isNumber()) {
            value = v.asDouble();
            if (percent && value > 1) {
                at.problem("write a share as a percentage or a fraction, e.g. " + v.asString() + "% or " + value / 100 + "; got " + v.asString());
                return fallback;
            }
        } else if (text != null && percent && text.matches("\\d+(\\.\\d+)?\\s*%")) {
            value = Double.parseDouble(text.substring(0, text.indexOf('%')).strip()) / 100;
        } else if (text != null && text.matches("\\d+(\\.\\d+)?")) {
            value = Double.parseDouble(text);
        } else {
            at.problem("must be " + (percent ? "a percentage like 25% or a fraction like 0.25" : "a number") + ", got "
                    + (v.isString() ? "'" + v.asString() + "'" : v.toString()));
            return fallback;
        }
        if (value < min || value > max) {
            at.problem("must be between " + (percent ? percent(min) + " and " + percent(max) : min + " and " + max) + ", got "
                    + (percent ? percent(value) : Double.toString(value)));
            return fallback;
        }
        return value;
    }

    private static String percent(double share) {
        return (Math.round(share * 100_000) / 1000.0) + "%";
    }

    /** The settings as shown with a monitor's configuration: durations in milliseconds, shares as fractions. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.putObject("tool_errors").put("enabled", toolErrors.enabled()).put("failures", toolErrors.failures())
                .put("successes", toolErrors.successes());
        o.putObject("latency").put("enabled", latency.enabled()).put("factor", latency.factor()).put("window_ms", latency.window().toMillis())
                .put("sustain_ms", latency.sustain().toMillis()).put("baseline_ms", latency.baseline().toMillis())
                .put("min_probes", latency.minProbes()).put("min_baseline_probes", latency.minBaselineProbes());
        o.putObject("flapping").put("enabled", flapping.enabled()).put("changes", flapping.changes())
                .put("window_ms", flapping.window().toMillis());
        o.putObject("fewer_tools").put("enabled", fewerTools.enabled()).put("confirm", fewerTools.confirm()).put("of", fewerTools.of());
        ObjectNode cert = o.putObject("certificate").put("enabled", certificate.enabled());
        var days = cert.putArray("reminders");
        certificate.reminderDays().forEach(days::add);
        o.putObject("latency_trend").put("enabled", latencyTrend.enabled()).put("window_ms", latencyTrend.window().toMillis())
                .put("min_hours", latencyTrend.minHours()).put("confidence", latencyTrend.confidence())
                .put("min_rise", latencyTrend.minRise());
        o.putObject("tool_error_rate").put("enabled", toolErrorRate.enabled()).put("threshold", toolErrorRate.threshold())
                .put("window_ms", toolErrorRate.window().toMillis()).put("min_calls", toolErrorRate.minCalls());
        o.putObject("success_rate").put("enabled", successRate.enabled()).put("low", successRate.low()).put("high", successRate.high())
                .put("window_ms", successRate.window().toMillis()).put("min_probes", successRate.minProbes());
        o.putObject("drift").put("enabled", drift.enabled());
        return o;
    }
}
