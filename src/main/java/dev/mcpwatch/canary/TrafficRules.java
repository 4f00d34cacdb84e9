package dev.mcpwatch.canary;

import static dev.mcpwatch.canary.Analysis.ms;
import static dev.mcpwatch.canary.Analysis.num;
import static dev.mcpwatch.canary.Analysis.pct;
import static dev.mcpwatch.canary.Analysis.pval;
import static dev.mcpwatch.canary.Analysis.words;

import dev.mcpwatch.canary.RuleResult.Figure;
import dev.mcpwatch.canary.RuleResult.Status;
import dev.mcpwatch.canary.TrafficReading.SideTraffic;
import java.util.List;

/**
 * The same error-rate and p99 rules on the servers' own metrics of real traffic (the guide's
 * {@code mcp_tool_call_errors_total} and {@code mcp_tool_call_duration_seconds} by {@code version}).
 *
 * <p>Counts are the increases of counters over the window, rounded to whole calls for the tests.
 * A p99 from histogram buckets is known only to lie within a bucket, so the rule takes both sides
 * at their most favourable bound: the threshold is {@code latencyRatio} × the upper bound of the
 * stable's p99 bucket (and at least {@code latencyFloor} above it), and the canary calls counted as
 * slow are those above the first bucket bound past it. It trips when more than 1 % of the canary's
 * calls are certainly that slow, by a one-sided binomial test.
 */
final class TrafficRules {
    private TrafficRules() {}

    static List<RuleResult> judge(TrafficReading r, Thresholds t) {
        if (r.problem() != null) {
            String why = "real traffic (" + r.source() + "): " + r.problem();
            return List.of(
                    new RuleResult("traffic_error_rate", "traffic", null, Status.UNAVAILABLE, null, null, null, null, null, why),
                    new RuleResult("traffic_latency_p99", "traffic", null, Status.UNAVAILABLE, null, null, null, null, null, why));
        }
        return List.of(errorRate(r, t), latency(r, t));
    }

    private static RuleResult errorRate(TrafficReading r, Thresholds t) {
        SideTraffic s = r.stable();
        SideTraffic c = r.canary();
        long ns = Math.round(s.calls());
        long nc = Math.round(c.calls());
        long es = Math.min(ns, Math.round(s.errors()));
        long ec = Math.min(nc, Math.round(c.errors()));
        Figure fs = Analysis.rate(ns, es, "calls");
        Figure fc = Analysis.rate(nc, ec, "calls");
        String threshold = "> " + num(t.errorRatio()) + "× the stable's over " + words(r.window()) + ", p < " + num(t.alpha());
        String test = "Fisher's exact test, one-sided, on calls rounded to whole numbers";
        if (ns < t.minTrafficCalls() || nc < t.minTrafficCalls()) {
            return new RuleResult("traffic_error_rate", "traffic", null, Status.NOT_ENOUGH_DATA, fs, fc, threshold, null, null,
                    "real-traffic error rate: " + ns + " stable (" + s.version() + ") and " + nc + " canary (" + c.version()
                            + ") tool calls in the last " + words(r.window()) + "; the rule needs " + t.minTrafficCalls() + " on each side");
        }
        double rs = (double) es / ns;
        double rc = (double) ec / nc;
        double p = Stats.fisherGreater(ec, nc, es, ns);
        String figures = "version " + c.version() + " failed " + ec + " of " + nc + " tool calls (" + pct(rc) + ") in the last "
                + words(r.window()) + ", version " + s.version() + " " + es + " of " + ns + " (" + pct(rs) + ")";
        if (rs * t.errorRatio() >= 1) {
            return new RuleResult("traffic_error_rate", "traffic", null, Status.UNSURE, fs, fc, threshold, test, p,
                    "real-traffic error rate: " + figures + "; with the stable failing that often the rule cannot judge");
        }
        boolean over = rc > t.errorRatio() * rs;
        Status status = Analysis.status(over, p, t.alpha());
        String evidence = "real-traffic error rate: " + figures + switch (status) {
            case TRIPPED -> " — more than " + num(t.errorRatio()) + "× the stable's, p = " + pval(p) + " < " + num(t.alpha());
            case UNSURE -> " — more than " + num(t.errorRatio()) + "× the stable's, but that could be chance (p = " + pval(p) + ")";
            default -> "";
        };
        return new RuleResult("traffic_error_rate", "traffic", null, status, fs, fc, threshold, test, p, evidence);
    }

    private static RuleResult latency(TrafficReading r, Thresholds t) {
        Histogram s = r.stable().latency();
        Histogram c = r.canary().latency();
        String threshold = "> " + num(t.latencyRatio()) + "× the stable's p99 and +" + words(t.latencyFloor()) + " over "
                + words(r.window()) + ", p < " + num(t.alpha());
        String test = "binomial test, one-sided: more than 1 % of canary calls above the threshold's bucket bound";
        Figure fs = figure(s, null);
        if (s == null || c == null || s.total() < t.minTrafficCalls() || c.total() < t.minTrafficCalls()) {
            return new RuleResult("traffic_latency_p99", "traffic", null, Status.NOT_ENOUGH_DATA, fs, figure(c, null), threshold, null,
                    null, "real-traffic p99: " + Math.round(s == null ? 0 : s.total()) + " stable and " + Math.round(c == null ? 0 : c.total())
                            + " canary calls in the histogram over the last " + words(r.window()) + "; the rule needs "
                            + t.minTrafficCalls() + " on each side");
        }
        double[] sb = s.quantileBounds(0.99);
        if (sb == null || Double.isInfinite(sb[1])) {
            return new RuleResult("traffic_latency_p99", "traffic", null, Status.UNSURE, fs, figure(c, null), threshold, null, null,
                    "real-traffic p99: the stable's p99 is beyond the histogram's largest bucket, so no bound can be put on it");
        }
        double limit = Math.max(t.latencyRatio() * sb[1], sb[1] + t.latencyFloor().toNanos() / 1e9);
        Double above = c.countAbove(limit);
        if (above == null) {
            return new RuleResult("traffic_latency_p99", "traffic", null, Status.UNSURE, fs, figure(c, null), threshold, null, null,
                    "real-traffic p99: no bucket of the histogram reaches " + ms(limit * 1000) + ", so slow canary calls cannot be counted");
        }
        long nc = Math.round(c.total());
        long slow = Math.min(nc, Math.round(above));
        double p = Stats.binomialAtLeast(nc, slow, 0.01);
        boolean over = slow > 0.01 * nc;
        Status status = Analysis.status(over, p, t.alpha());
        String figures = "p99 about " + ms(c.estimate(0.99) * 1000) + " for version " + r.canary().version() + ", about "
                + ms(s.estimate(0.99) * 1000) + " (at most " + ms(sb[1] * 1000) + ") for version " + r.stable().version()
                + " in the last " + words(r.window()) + "; " + slow + " of " + nc + " canary calls took over " + ms(limit * 1000);
        String evidence = "real-traffic latency: " + figures + switch (status) {
            case TRIPPED -> " (" + num(t.latencyRatio()) + "× the stable's p99 bound), p = " + pval(p) + " < " + num(t.alpha());
            case UNSURE -> ", more than 1 % but that could be chance (p = " + pval(p) + ")";
            default -> "";
        };
        return new RuleResult("traffic_latency_p99", "traffic", null, status, fs, figure(c, slow), threshold, test, p, evidence);
    }

    private static Figure figure(Histogram h, Long slow) {
        if (h == null || h.total() <= 0) {
            return new Figure(0L, null, null, "no calls");
        }
        Double p99 = h.estimate(0.99);
        double[] b = h.quantileBounds(0.99);
        String bounds = b == null ? ""
                : ", in " + num(Analysis.round(b[0] * 1000)) + "–" + (Double.isInfinite(b[1]) ? "+Inf" : num(Analysis.round(b[1] * 1000))) + " ms";
        return new Figure(Math.round(h.total()), slow, p99 == null ? null : Analysis.round(p99 * 1000),
                (p99 == null ? "?" : "~" + ms(p99 * 1000)) + " p99" + bounds + " (" + Math.round(h.total()) + ")");
    }
}
