package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.web.Fmt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One month of the record for a scope (all monitors, a tag, one monitor), beside the month before,
 * with each monitor's own figures and the incidents behind them: what {@code mcpwatch report}
 * prints, as Markdown for people, CSV for spreadsheets or JSON for scripts.
 */
public record Report(String scope, Figures month, Figures previous, List<MonitorFigures> monitors, long generatedAt) {

    /** One monitor's figures for the month. */
    public record MonitorFigures(String id, String name, Figures figures) {}

    public enum Format {
        MD, CSV, JSON;

        public static Format of(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "md", "markdown" -> MD;
                case "csv" -> CSV;
                case "json" -> JSON;
                default -> throw new IllegalArgumentException("--format is md, csv or json, got \"" + s + "\"");
            };
        }
    }

    public Change change() {
        return previous == null ? null : Change.between(previous, month);
    }

    public String render(Format f) {
        return switch (f) {
            case MD -> markdown();
            case CSV -> csv();
            case JSON -> Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json()) + "\n";
        };
    }

    public ObjectNode json() {
        ObjectNode o = Json.object();
        o.put("scope", scope);
        o.put("generatedAt", Instant.ofEpochMilli(generatedAt).toString());
        o.set("month", RecordJson.figures(month, change(), true));
        o.set("previous", previous == null ? null : RecordJson.figures(previous, null, false));
        ArrayNode ms = o.putArray("monitors");
        for (MonitorFigures m : monitors) {
            ObjectNode row = RecordJson.figures(m.figures(), null, false);
            row.put("monitor", m.id());
            row.put("name", m.name());
            ms.add(row);
        }
        return o;
    }

    // --- CSV: one row for the scope, then one per monitor ------------------------------------------

    static final List<String> CSV_COLUMNS = List.of("scope", "period", "availability_pct", "probes", "failures", "maintenance_probes",
            "maintenance_failures", "maintenance_minutes", "paused_minutes", "incidents", "p1", "p2", "p3", "in_maintenance", "remediated",
            "human", "unattended", "withdrawn", "open", "mttd_count", "mttd_mean_s", "mttd_median_s", "mttd_p90_s", "mtta_count",
            "mtta_mean_s", "mtta_median_s", "mtta_p90_s", "mttr_count", "mttr_mean_s", "mttr_median_s", "mttr_p90_s", "p1_minutes",
            "p2_minutes", "change_availability_pp", "change_incidents", "change_mttr_mean_s");

    public String csv() {
        StringBuilder out = new StringBuilder(String.join(",", CSV_COLUMNS)).append('\n');
        csvRow(out, scope, month, change());
        for (MonitorFigures m : monitors) {
            csvRow(out, "monitor:" + m.id(), m.figures(), null);
        }
        return out.toString();
    }

    private static void csvRow(StringBuilder out, String scope, Figures f, Change c) {
        Availability a = f.availability();
        List<String> cells = new ArrayList<>(List.of(csvText(scope), f.period().label(), num(a.ratio() == null ? null : a.ratio() * 100, 4),
                Long.toString(a.probes()), Long.toString(a.failures()), Long.toString(a.maintenanceProbes()),
                Long.toString(a.maintenanceFailures()), num(a.maintenanceMs() / 60_000.0, 1), num(a.pausedMs() / 60_000.0, 1),
                Integer.toString(f.incidents()), Integer.toString(f.count(Severity.P1)), Integer.toString(f.count(Severity.P2)),
                Integer.toString(f.count(Severity.P3)), Integer.toString(f.inMaintenance()), Integer.toString(f.count(Outcome.REMEDIATED)),
                Integer.toString(f.count(Outcome.HUMAN)), Integer.toString(f.count(Outcome.UNATTENDED)),
                Integer.toString(f.count(Outcome.WITHDRAWN)), Integer.toString(f.count(Outcome.OPEN))));
        for (DurationStats s : List.of(f.mttd(), f.mtta(), f.mttr())) {
            cells.add(Integer.toString(s.count()));
            cells.add(seconds(s.meanMs()));
            cells.add(seconds(s.medianMs()));
            cells.add(seconds(s.p90Ms()));
        }
        cells.add(num(f.timeIn(Severity.P1) / 60_000.0, 1));
        cells.add(num(f.timeIn(Severity.P2) / 60_000.0, 1));
        cells.add(c == null ? "" : num(c.availabilityPoints(), 4));
        cells.add(c == null ? "" : Integer.toString(c.incidents()));
        cells.add(c == null ? "" : seconds(c.mttrMeanMs()));
        out.append(String.join(",", cells)).append('\n');
    }

    private static String seconds(Double ms) {
        return num(ms == null ? null : ms / 1000, 1);
    }

    private static String num(Double v, int decimals) {
        return v == null ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** RFC 4180: quoted when it holds a comma, a quote or a line break; a leading = + - @ is defused for spreadsheets. */
    static String csvText(String s) {
        String v = s.isEmpty() || "=+-@".indexOf(s.charAt(0)) < 0 ? s : "'" + s;
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    // --- Markdown ----------------------------------------------------------------------------------

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Reliability report: ").append(month.period().label()).append(", ").append(mdText(scope)).append("\n\n");
        md.append("Generated ").append(Fmt.time(generatedAt)).append(". Months are UTC calendar months; durations leave out ")
                .append("maintenance windows and paused time (see docs/reliability.md).\n\n");
        String prev = previous == null ? "—" : previous.period().label();
        Change c = change();
        md.append("| | ").append(month.period().label()).append(" | ").append(prev).append(" | change |\n|---|---:|---:|---:|\n");
        row(md, "availability", Fmt.pct3(month.availability().ratio()), previous == null ? "—" : Fmt.pct3(previous.availability().ratio()),
                c == null || c.availabilityPoints() == null ? "—" : String.format(Locale.ROOT, "%+.3f pp", c.availabilityPoints()));
        row(md, "probes counted (failed)", probes(month), previous == null ? "—" : probes(previous), "");
        row(md, "in maintenance (not counted)", maintenance(month), previous == null ? "—" : maintenance(previous), "");
        row(md, "paused", Fmt.elapsed((double) month.availability().pausedMs()),
                previous == null ? "—" : Fmt.elapsed((double) previous.availability().pausedMs()), "");
        row(md, "incidents", incidents(month), previous == null ? "—" : incidents(previous), c == null ? "—" : signed(c.incidents()));
        row(md, "inside maintenance (not counted)", Integer.toString(month.inMaintenance()),
                previous == null ? "—" : Integer.toString(previous.inMaintenance()), "");
        statsRow(md, "MTTD", month.mttd(), previous == null ? null : previous.mttd(), c == null ? null : c.mttdMeanMs());
        statsRow(md, "MTTA", month.mtta(), previous == null ? null : previous.mtta(), c == null ? null : c.mttaMeanMs());
        statsRow(md, "MTTR", month.mttr(), previous == null ? null : previous.mttr(), c == null ? null : c.mttrMeanMs());
        for (Outcome o : List.of(Outcome.REMEDIATED, Outcome.HUMAN, Outcome.UNATTENDED)) {
            DurationStats now = month.mttrByOutcome().getOrDefault(o, DurationStats.NONE);
            DurationStats before = previous == null ? null : previous.mttrByOutcome().getOrDefault(o, DurationStats.NONE);
            row(md, "MTTR, " + o.wireName(), stats(now), before == null ? "—" : stats(before), "");
        }
        row(md, "ended: remediated / human / unattended / withdrawn / open", outcomes(month), previous == null ? "—" : outcomes(previous), "");
        row(md, "time at P1 / P2", timeAt(month), previous == null ? "—" : timeAt(previous), "");
        md.append('\n');

        if (!month.byReason().isEmpty()) {
            md.append("## Incidents by failure\n\n| layer | reason | incidents |\n|---|---|---:|\n");
            month.byReason().forEach((r, n) -> md.append("| ").append(r.layer().wireName()).append(" | ").append(r.wireName()).append(" | ")
                    .append(n).append(" |\n"));
            md.append('\n');
        }
        if (!monitors.isEmpty()) {
            md.append("## Monitors\n\n| monitor | availability | incidents | P1 | P2 | MTTD median | MTTR median | time at P1 |\n")
                    .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            List<MonitorFigures> sorted = new ArrayList<>(monitors);
            sorted.sort(Comparator.comparing((MonitorFigures m) -> m.figures().availability().ratio() == null ? 2.0
                    : m.figures().availability().ratio()).thenComparing(MonitorFigures::id));
            for (MonitorFigures m : sorted) {
                Figures f = m.figures();
                md.append("| ").append(mdText(m.name() == null || m.name().equals(m.id()) ? m.id() : m.name() + " (" + m.id() + ")"))
                        .append(" | ").append(Fmt.pct3(f.availability().ratio())).append(" | ").append(f.incidents()).append(" | ")
                        .append(f.count(Severity.P1)).append(" | ").append(f.count(Severity.P2)).append(" | ")
                        .append(Fmt.elapsed(f.mttd().medianMs())).append(" | ").append(Fmt.elapsed(f.mttr().medianMs())).append(" | ")
                        .append(Fmt.elapsed((double) f.timeIn(Severity.P1))).append(" |\n");
            }
            md.append('\n');
        }
        List<IncidentLine> lines = month.lines().stream().filter(l -> l.counted() || l.inMaintenance())
                .sorted(Comparator.comparingLong(l -> l.incident().detectedAt())).toList();
        if (!lines.isEmpty()) {
            md.append("## Incidents\n\n| # | monitor | severity | failure | onset | MTTD | MTTA | MTTR | ended |\n")
                    .append("|---:|---|---|---|---|---:|---:|---:|---|\n");
            for (IncidentLine l : lines) {
                IncidentFacts i = l.incident();
                md.append("| ").append(i.id()).append(" | ").append(mdText(i.monitorId())).append(" | ")
                        .append(i.severity() == null ? "—" : i.severity().wireName()).append(" | ").append(i.layer().wireName()).append(" / ")
                        .append(i.reason().wireName()).append(" | ").append(Fmt.time(i.onsetAt())).append(" | ")
                        .append(Fmt.elapsed((double) l.mttdMs())).append(" | ").append(Fmt.elapsed(asDouble(l.mttaMs()))).append(" | ")
                        .append(Fmt.elapsed(asDouble(l.mttrMs()))).append(" | ")
                        .append(l.inMaintenance() ? "inside maintenance, not counted" : i.outcome().wireName()).append(" |\n");
            }
        }
        return md.toString();
    }

    private static Double asDouble(Long v) {
        return v == null ? null : v.doubleValue();
    }

    private static void row(StringBuilder md, String what, String now, String before, String change) {
        md.append("| ").append(what).append(" | ").append(now).append(" | ").append(before).append(" | ").append(change.isEmpty() ? " " : change)
                .append(" |\n");
    }

    private static void statsRow(StringBuilder md, String what, DurationStats now, DurationStats before, Double meanChange) {
        row(md, what + " mean / median / p90 (incidents)", stats(now), before == null ? "—" : stats(before),
                meanChange == null ? "—" : (meanChange >= 0 ? "+" : "−") + Fmt.elapsed(Math.abs(meanChange)) + " mean");
    }

    static String stats(DurationStats s) {
        return s.count() == 0 ? "— (0)"
                : Fmt.elapsed(s.meanMs()) + " / " + Fmt.elapsed(s.medianMs()) + " / " + Fmt.elapsed(s.p90Ms()) + " (" + s.count() + ")";
    }

    private static String probes(Figures f) {
        return String.format(Locale.ROOT, "%,d (%,d)", f.availability().probes(), f.availability().failures());
    }

    private static String maintenance(Figures f) {
        Availability a = f.availability();
        return String.format(Locale.ROOT, "%,d probes (%,d failed), %s", a.maintenanceProbes(), a.maintenanceFailures(),
                Fmt.elapsed((double) a.maintenanceMs()));
    }

    private static String incidents(Figures f) {
        List<String> parts = new ArrayList<>();
        for (Severity s : Severity.values()) {
            if (f.count(s) > 0) {
                parts.add(s.wireName() + " " + f.count(s));
            }
        }
        return f.incidents() + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
    }

    private static String outcomes(Figures f) {
        return f.count(Outcome.REMEDIATED) + " / " + f.count(Outcome.HUMAN) + " / " + f.count(Outcome.UNATTENDED) + " / "
                + f.count(Outcome.WITHDRAWN) + " / " + f.count(Outcome.OPEN);
    }

    private static String timeAt(Figures f) {
        return Fmt.elapsed((double) f.timeIn(Severity.P1)) + " / " + Fmt.elapsed((double) f.timeIn(Severity.P2));
    }

    private static String signed(int n) {
        return n > 0 ? "+" + n : n < 0 ? "−" + -n : "0";
    }

    /** A table cell: pipes and line breaks would end it, so they do not stay as they are. */
    static String mdText(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
