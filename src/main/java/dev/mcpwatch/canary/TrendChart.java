package dev.mcpwatch.canary;

import dev.mcpwatch.web.Axis;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Geometry of one canary chart: a figure of both sides over time (error rate, p99), as two lines on
 * one scale, computed here so the template only places it. No JavaScript: each point is a dot with
 * a title for hover, and the summary says in words what the lines show.
 *
 * @param stableLines the stable's points as SVG {@code points} ("x,y x,y …"), one per unbroken run (a gap starts a new one)
 * @param dots every point, for hover titles
 */
public record TrendChart(String title, List<String> stableLines, List<String> canaryLines, List<Dot> dots, List<Tick> ticks,
        String summary, int width, int height) {

    public static final int WIDTH = 720;
    public static final int HEIGHT = 160;
    private static final double LEFT = 56;
    private static final double TOP = 10;
    private static final double BOTTOM = 20;

    /** One moment of the chart: each side's value, or null where that side had none. */
    public record Point(long at, Double stable, Double canary) {}

    public record Dot(Side side, double x, double y, String title) {}

    public record Tick(double y, String label) {}

    /** The chart of {@code points} between {@code from} and {@code to} (epoch ms), values written by {@code format}. */
    public static TrendChart of(String title, List<Point> points, long from, long to, DoubleFunction<String> format) {
        double max = 0;
        for (Point p : points) {
            max = Math.max(max, Math.max(p.stable() == null ? 0 : p.stable(), p.canary() == null ? 0 : p.canary()));
        }
        double top = Axis.niceCeiling(max);
        double plotH = HEIGHT - TOP - BOTTOM;
        double span = Math.max(1, to - from);
        List<Dot> dots = new ArrayList<>();
        List<String> stable = lines(points, Side.STABLE, from, span, top, plotH, format, dots);
        List<String> canary = lines(points, Side.CANARY, from, span, top, plotH, format, dots);
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            ticks.add(new Tick(TOP + plotH - plotH * i / 4, format.apply(top * i / 4)));
        }
        String summary = points.isEmpty() ? "Nothing measured yet." : summary(title, points, format);
        return new TrendChart(title, stable, canary, dots, ticks, summary, WIDTH, HEIGHT);
    }

    private static List<String> lines(List<Point> points, Side side, long from, double span, double top, double plotH,
            DoubleFunction<String> format, List<Dot> dots) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (Point p : points) {
            Double v = side == Side.STABLE ? p.stable() : p.canary();
            if (v == null) {
                if (!line.isEmpty()) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                continue;
            }
            double x = LEFT + (WIDTH - LEFT - 4) * (p.at() - from) / span;
            double y = TOP + plotH - (top == 0 ? 0 : v / top * plotH);
            line.append(line.isEmpty() ? "" : " ").append(coord(x)).append(',').append(coord(y));
            dots.add(new Dot(side, round(x), round(y), side.wireName() + " " + format.apply(v) + " at "
                    + java.time.Instant.ofEpochMilli(p.at()).toString().replace('T', ' ').replace("Z", " UTC")));
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static String summary(String title, List<Point> points, DoubleFunction<String> format) {
        Point last = points.getLast();
        return title + ", " + points.size() + " points; latest: stable " + (last.stable() == null ? "—" : format.apply(last.stable()))
                + ", canary " + (last.canary() == null ? "—" : format.apply(last.canary())) + ".";
    }

    private static String coord(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
