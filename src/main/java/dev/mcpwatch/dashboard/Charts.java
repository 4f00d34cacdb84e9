package dev.mcpwatch.dashboard;

import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.web.Axis;
import dev.mcpwatch.web.Fmt;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Geometry for the server-rendered SVG charts: numbers are computed here, the templates only place
 * them. No JavaScript: a chart is a picture with a title per bar for hover, and words beside it.
 */
public final class Charts {
    /** The order phases are stacked in, as a probe goes through them. */
    static final List<String> PHASES = List.of("dns", "connect", "tls", "spawn", "sse_open", "discover", "initialize", "initialized",
            "tools_list", "tool_call", "close");
    public static final int WIDTH = 720;
    public static final int HEIGHT = 180;

    private Charts() {}

    /** One phase of the last probe, on a 0…1000 scale of the probe's total time. */
    public record WaterfallBar(String phase, double x, double width, Double firstByteX, String ms, String extra) {}

    /** A probe's phases, from the JSON of its stored result. */
    public static List<WaterfallBar> waterfall(JsonNode detail) {
        List<WaterfallBar> out = new ArrayList<>();
        double total = Math.max(detail.path("totalMs").asDouble(0), 0.001);
        for (JsonNode t : detail.path("timings")) {
            double start = t.path("startMs").asDouble();
            double dur = t.path("durationMs").asDouble();
            Double fb = t.hasNonNull("firstByteMs") ? 1000 * (start + t.path("firstByteMs").asDouble()) / total : null;
            List<String> extra = new ArrayList<>();
            if (t.hasNonNull("httpStatus")) {
                extra.add("HTTP " + t.path("httpStatus").asInt());
            }
            if (t.hasNonNull("contentType")) {
                extra.add(t.path("contentType").asString());
            }
            if (t.hasNonNull("firstByteMs")) {
                extra.add("first byte " + Fmt.ms(t.path("firstByteMs").asDouble()));
            }
            out.add(new WaterfallBar(t.path("phase").asString("?"), 1000 * start / total, Math.max(2, 1000 * dur / total), fb,
                    Fmt.ms(dur), String.join(", ", extra)));
        }
        return out;
    }

    /** A rectangle of one phase in one bucket's stacked bar. */
    public record Segment(String phase, double y, double height) {}

    /** One bucket: its x, width, segments bottom-up, and its hover text. */
    public record Column(double x, double width, List<Segment> segments, String title) {}

    /** A stacked bar chart of mean phase durations per bucket, with a y scale and the phases present. */
    public record PhaseChart(List<Column> columns, List<String> phases, List<Tick> ticks, String summary, int width, int height) {}

    public record Tick(double y, String label) {}

    public static PhaseChart phases(List<RollupStore.Bucket> buckets, long from, long to, long bucketMs) {
        Set<String> present = new LinkedHashSet<>();
        double max = 0;
        for (var b : buckets) {
            double sum = 0;
            for (String p : PHASES) {
                Double v = b.phaseMeans().get(p);
                if (v != null) {
                    present.add(p);
                    sum += v;
                }
            }
            max = Math.max(max, sum);
        }
        double top = Axis.niceCeiling(max);
        double plotTop = 10;
        double plotH = HEIGHT - 20 - plotTop;
        double slots = Math.max(1, (double) (to - from) / bucketMs);
        double slotW = (WIDTH - 50) / slots;
        List<Column> columns = new ArrayList<>();
        for (var b : buckets) {
            double x = 50 + (b.start() - from) / (double) bucketMs * slotW;
            double y = plotTop + plotH;
            List<Segment> segs = new ArrayList<>();
            StringBuilder title = new StringBuilder(Fmt.shortTime(b.start())).append(": ");
            List<String> parts = new ArrayList<>();
            for (String p : PHASES) {
                Double v = b.phaseMeans().get(p);
                if (v == null) {
                    continue;
                }
                double h = top == 0 ? 0 : v / top * plotH;
                y -= h;
                segs.add(new Segment(p, y, h));
                parts.add(p + " " + Fmt.ms(v));
            }
            title.append(parts.isEmpty() ? "no healthy probes" : String.join(", ", parts));
            title.append(String.format(Locale.ROOT, " (%d probes, %d failed)", b.probes(), b.failures()));
            columns.add(new Column(x, Math.max(1, slotW * 0.8), segs, title.toString()));
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            double v = top * i / 4;
            ticks.add(new Tick(plotTop + plotH - plotH * i / 4, Fmt.ms(v)));
        }
        String summary = buckets.isEmpty() ? "No probes in this period."
                : "Mean time per phase of healthy probes, " + buckets.size() + " buckets; highest total " + Fmt.ms(max) + ".";
        return new PhaseChart(columns, List.copyOf(present), ticks, summary, WIDTH, HEIGHT);
    }

    /** A phase's legend entries, for the template. */
    public static Map<String, String> legend(List<String> phases) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        phases.forEach(p -> out.put(p, p.replace('_', ' ')));
        return out;
    }
}
