package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.web.Axis;
import dev.mcpwatch.web.Fmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Geometry of the Reliability page's small SVG charts, one column per month: availability, incidents
 * by severity, and MTTD / MTTR medians; and an SLO's budget over its window. Numbers are computed
 * here, the templates only place them; each column has a title for hover and a link to the incidents
 * behind it. No JavaScript.
 */
public final class RecordCharts {
    public static final int WIDTH = 720;
    public static final int HEIGHT = 150;
    static final double LEFT = 56;
    static final double TOP = 8;
    static final double BOTTOM = 22;

    private RecordCharts() {}

    /** A rectangle of one kind ({@code p1}, {@code mttd}, {@code up}…; the CSS class) in a column. */
    public record Segment(String kind, double x, double y, double width, double height) {}

    /** One month: its segments, label under the axis, hover title and drill-down link. */
    public record Column(double x, double width, List<Segment> segments, String label, String title, String href) {}

    public record Tick(double y, String label) {}

    public record Chart(List<Column> columns, List<Tick> ticks, List<String> keys, String summary, int width, int height) {
        public double plotBottom() {
            return height - BOTTOM;
        }
    }

    private static double plotHeight() {
        return HEIGHT - BOTTOM - TOP;
    }

    /**
     * Availability per month on a scale from a floor (99 %, 95 %, 90 %… whichever shows the worst
     * month) to 100 %: a bar that reaches the top is a perfect month.
     */
    public static Chart availability(List<Figures> months, Function<Figures, String> href) {
        double worst = months.stream().map(f -> f.availability().ratio()).filter(r -> r != null).mapToDouble(Double::doubleValue).min().orElse(1);
        double floor = 0.99;
        for (double f : new double[] {0.99, 0.95, 0.9, 0.5, 0}) {
            floor = f;
            if (worst >= f) {
                break;
            }
        }
        double base = floor;
        List<Column> cols = columns(months, href, (f, slot) -> {
            Double r = f.availability().ratio();
            if (r == null) {
                return List.of();
            }
            double h = (r - base) / (1 - base) * plotHeight();
            return List.of(new Segment("up", slot[0], TOP + plotHeight() - h, slot[1], Math.max(1, h)));
        }, f -> f.period().label() + ": " + Fmt.pct3(f.availability().ratio()) + " of "
                + String.format(Locale.ROOT, "%,d", f.availability().probes()) + " probes");
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 2; i++) {
            double v = base + (1 - base) * i / 2;
            ticks.add(new Tick(TOP + plotHeight() - plotHeight() * i / 2, String.format(Locale.ROOT, "%.1f %%", v * 100)));
        }
        return new Chart(cols, ticks, List.of("up"), "Availability per month (maintenance excluded), from " + String.format(Locale.ROOT, "%.0f %%", base * 100)
                + " to 100 %.", WIDTH, HEIGHT);
    }

    /** Incidents per month, stacked by the severity they were confirmed with. */
    public static Chart incidents(List<Figures> months, Function<Figures, String> href) {
        int max = months.stream().mapToInt(Figures::incidents).max().orElse(0);
        double top = Axis.niceCeiling(Math.max(1, max));
        List<Column> cols = columns(months, href, (f, slot) -> {
            List<Segment> segs = new ArrayList<>();
            double y = TOP + plotHeight();
            for (Severity s : Severity.values()) {
                double h = f.count(s) / top * plotHeight();
                if (h > 0) {
                    y -= h;
                    segs.add(new Segment(s.wireName().toLowerCase(Locale.ROOT), slot[0], y, slot[1], h));
                }
            }
            return segs;
        }, f -> f.period().label() + ": " + f.incidents() + " incidents (P1 " + f.count(Severity.P1) + ", P2 " + f.count(Severity.P2) + ")");
        return new Chart(cols, ticks(top, v -> String.format(Locale.ROOT, "%.0f", v)), List.of("p1", "p2", "p3"),
                "Incidents per month by severity; highest " + max + ".", WIDTH, HEIGHT);
    }

    /** MTTD and MTTR medians per month, side by side. */
    public static Chart durations(List<Figures> months, Function<Figures, String> href) {
        double max = 0;
        for (Figures f : months) {
            max = Math.max(max, f.mttd().medianMs() == null ? 0 : f.mttd().medianMs());
            max = Math.max(max, f.mttr().medianMs() == null ? 0 : f.mttr().medianMs());
        }
        double top = Axis.niceCeiling(Math.max(60_000, max));
        List<Column> cols = columns(months, href, (f, slot) -> {
            List<Segment> segs = new ArrayList<>();
            double half = slot[1] / 2;
            if (f.mttd().medianMs() != null) {
                double h = f.mttd().medianMs() / top * plotHeight();
                segs.add(new Segment("mttd", slot[0], TOP + plotHeight() - h, half, Math.max(1, h)));
            }
            if (f.mttr().medianMs() != null) {
                double h = f.mttr().medianMs() / top * plotHeight();
                segs.add(new Segment("mttr", slot[0] + half, TOP + plotHeight() - h, half, Math.max(1, h)));
            }
            return segs;
        }, f -> f.period().label() + ": MTTD median " + Fmt.elapsed(f.mttd().medianMs()) + ", MTTR median " + Fmt.elapsed(f.mttr().medianMs()));
        return new Chart(cols, ticks(top, v -> Fmt.elapsed(v)), List.of("mttd", "mttr"), "MTTD and MTTR medians per month.", WIDTH, HEIGHT);
    }

    /** A point of a line chart. */
    public record Point(double x, double y) {}

    /** An SLO's budget over its window: the polyline, the zero line's y and the ticks. */
    public record Line(String points, double zeroY, List<Tick> ticks, String summary, int width, int height) {}

    /** Budget left (100 % at the top, 0 at the zero line, below it when overspent) along the window. */
    public static Line budget(List<SloStatus.BudgetPoint> points, String summary) {
        double low = Math.min(0, points.stream().mapToDouble(SloStatus.BudgetPoint::remaining).min().orElse(0));
        double span = 1 - low;
        long from = points.isEmpty() ? 0 : points.getFirst().at();
        long to = points.isEmpty() ? 1 : Math.max(from + 1, points.getLast().at());
        StringBuilder sb = new StringBuilder();
        for (SloStatus.BudgetPoint p : points) {
            double x = LEFT + (p.at() - from) / (double) (to - from) * (WIDTH - LEFT);
            double y = TOP + (1 - p.remaining()) / span * plotHeight();
            sb.append(Fmt.num(x)).append(',').append(Fmt.num(y)).append(' ');
        }
        double zero = TOP + 1 / span * plotHeight();
        List<Tick> ticks = List.of(new Tick(TOP, "100 %"), new Tick(zero, "0 %"));
        return new Line(sb.toString().strip(), zero, ticks, summary, WIDTH, HEIGHT);
    }

    private interface Shape {
        List<Segment> of(Figures f, double[] slot);
    }

    private static List<Column> columns(List<Figures> months, Function<Figures, String> href, Shape shape, Function<Figures, String> title) {
        List<Column> out = new ArrayList<>();
        double slotW = (WIDTH - LEFT) / Math.max(1, months.size());
        for (int i = 0; i < months.size(); i++) {
            Figures f = months.get(i);
            double x = LEFT + i * slotW + slotW * 0.15;
            double w = slotW * 0.7;
            String label = f.period().label().length() >= 7 ? f.period().label().substring(2, 7) : f.period().label();
            out.add(new Column(x, w, shape.of(f, new double[] {x, w}), label, title.apply(f), href.apply(f)));
        }
        return out;
    }

    private static List<Tick> ticks(double top, Function<Double, String> label) {
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i <= 2; i++) {
            ticks.add(new Tick(TOP + plotHeight() - plotHeight() * i / 2, label.apply(top * i / 2)));
        }
        return ticks;
    }
}
