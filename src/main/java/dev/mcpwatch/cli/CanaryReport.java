package dev.mcpwatch.cli;

import dev.mcpwatch.canary.Analysis;
import dev.mcpwatch.canary.Comparison;
import dev.mcpwatch.canary.RuleResult;
import dev.mcpwatch.canary.Verdict;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.schema.SchemaChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The human view of a canary verdict: both sides, one line per rule with both sides' figures, the
 * threshold and where it stands, the tool changes, and the decision with its reasons in words.
 * Everything that came from a server is stripped of control characters first.
 */
final class CanaryReport {
    private CanaryReport() {}

    static String render(Verdict v, Comparison.Plan plan) {
        StringBuilder s = new StringBuilder();
        s.append("canary analysis · ").append(v.rounds()).append(v.rounds() == 1 ? " round" : " rounds").append(" every ")
                .append(Analysis.words(plan.interval())).append(" · rules over the last ").append(Analysis.words(plan.thresholds().window()))
                .append("\n\n");
        side(s, "stable", v.stable());
        side(s, "canary", v.canary());
        s.append('\n');

        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"rule", "stable", "canary", "threshold", "result"});
        for (RuleResult r : v.rules()) {
            rows.add(new String[] {name(r), figure(r.stable()), figure(r.canary()), r.threshold() == null ? "" : r.threshold(), result(r)});
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], Math.min(row[i].length(), i == 3 ? 56 : 40));
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < row.length; i++) {
                String cell = Waterfall.safe(row[i]);
                cell = cell.length() > widths[i] ? cell.substring(0, widths[i] - 1) + "…" : cell;
                line.append(' ').append(i < row.length - 1 ? pad(cell, widths[i]) : cell);
            }
            s.append(line.toString().stripTrailing()).append('\n');
        }

        if (v.tools() != null && !v.tools().changes().isEmpty()) {
            s.append("\n  tool changes, stable → canary").append(v.tools().allowBreaking() ? " (breaking changes allowed for this deploy)" : "")
                    .append('\n');
            for (SchemaChange c : v.tools().changes()) {
                s.append("    - ").append(Waterfall.safe(c.sentence())).append(c.breaking() ? " [breaking]" : "").append('\n');
            }
        }

        s.append("\n  verdict  ").append(v.verdict().wireName().toUpperCase(Locale.ROOT)).append('\n');
        for (String reason : v.reasons()) {
            s.append("    - ").append(Waterfall.safe(reason)).append('\n');
        }
        return s.toString();
    }

    private static void side(StringBuilder s, String label, Verdict.SideSummary side) {
        s.append("  ").append(label).append("   ").append(Waterfall.safe(side.target()));
        if (side.version() != null) {
            s.append(" · version ").append(Waterfall.safe(side.version()));
        }
        ServerInfo server = side.server();
        if (server != null) {
            s.append(" · ").append(Waterfall.safe(server.name())).append(server.version() == null ? "" : " " + Waterfall.safe(server.version()));
        }
        s.append(" · ").append(side.probes()).append(side.probes() == 1 ? " probe, " : " probes, ").append(side.errors()).append(" failed");
        if (side.tools() != null) {
            s.append(" · ").append(side.tools()).append(side.tools() == 1 ? " tool" : " tools");
        }
        s.append('\n');
    }

    private static String name(RuleResult r) {
        String base = switch (r.rule()) {
            case "canary_reachable" -> "reachable";
            case "error_rate" -> "error rate";
            case "latency_p99" -> "p99 " + (r.phase() == null ? "" : r.phase().wireName());
            case "schema_errors" -> "schema errors";
            case "tool_surface" -> "tool surface";
            case "traffic_error_rate" -> "traffic error rate";
            case "traffic_latency_p99" -> "traffic p99";
            default -> r.rule();
        };
        return base;
    }

    private static String figure(RuleResult.Figure f) {
        return f == null || f.text() == null ? "" : f.text();
    }

    private static String result(RuleResult r) {
        return switch (r.status()) {
            case TRIPPED -> "ROLLBACK" + (r.pValue() == null ? "" : " (p=" + p(r.pValue()) + ")");
            case UNSURE -> "unsure" + (r.pValue() == null ? "" : " (p=" + p(r.pValue()) + ")");
            case PASS -> "pass";
            case NOT_ENOUGH_DATA -> "not enough data";
            case NOT_APPLICABLE -> "n/a";
            case ACKNOWLEDGED -> "allowed";
            case UNAVAILABLE -> "unavailable";
        };
    }

    private static String p(double p) {
        return p < 0.0001 ? String.format(Locale.ROOT, "%.0e", p) : String.format(Locale.ROOT, "%.4f", p);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
