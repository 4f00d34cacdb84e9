package dev.mcpwatch.canary;

import dev.mcpwatch.canary.RuleResult.Figure;
import dev.mcpwatch.canary.RuleResult.Status;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.probe.ToolSnapshot;
import dev.mcpwatch.schema.Drift;
import dev.mcpwatch.schema.SchemaChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The canary guide's rollback rules applied to what a comparison has seen, each with its evidence,
 * and the decision they make together. Pure: the same history, thresholds and time give the same
 * verdict.
 *
 * <p>How each rule is judged (docs/canary.md says the same for operators):
 * <ul>
 *   <li><b>canary reachable</b> — the canary's latest probe could not connect (dns, tcp) while the
 *       stable's latest did: roll back at once.
 *   <li><b>error rate</b> — over the last window (5 min) of probes: the canary's share of failed
 *       probes exceeds {@code errorRatio} × the stable's, and Fisher's exact test (one-sided) says
 *       that many more failures on the canary are unlikely between equal servers (p &lt; alpha).
 *   <li><b>latency p99</b>, per MCP step (initialize or discover, tools_list, tool_call) and total,
 *       over the last window: the threshold is {@code latencyRatio} × the stable's p99, and at least
 *       {@code latencyFloor} above it; the canary trips when its p99 is over it and more than 1 % of
 *       its probes are, by a one-sided binomial test (p &lt; alpha ÷ the number of steps compared).
 *   <li><b>schema errors</b>, over the whole run: more than {@code schemaErrorShare} of the canary's
 *       tool calls, by a one-sided binomial test against that share (p &lt; alpha).
 *   <li><b>tool surface</b> — the schema differ on the two tool lists: a breaking change rolls back
 *       unless acknowledged for this deploy.
 * </ul>
 * A figure over its threshold whose test is not significant but gives p &lt; 0.1 is {@code unsure}:
 * not a reason to roll back, not a reason to promote; with p ≥ 0.1 it is what chance does (one slow
 * probe in thirty) and passes. Promote needs every rule passed with enough probes; otherwise the
 * answer is inconclusive.
 */
public final class Analysis {
    private static final List<Phase> PHASES = Parts.COMPARED;

    private Analysis() {}

    /** What a verdict is made from. {@code traffic} is null without a metrics source; {@code split} null with two URLs. */
    public record Inputs(History history, Thresholds thresholds, Instant now, Duration interval, boolean allowBreaking,
            String stableTarget, String canaryTarget, HeaderSplit split, TrafficReading traffic) {}

    public static Verdict evaluate(Inputs in) {
        History h = in.history();
        Thresholds t = in.thresholds();
        List<RuleResult> rules = new ArrayList<>();
        rules.add(reachable(in));
        boolean full = windowFull(in);
        rules.add(errorRate(in, full));
        rules.addAll(latency(in, full));
        rules.add(schemaErrors(h, t));
        Verdict.ToolSurface surface = toolSurface(h, in.allowBreaking());
        rules.add(surfaceRule(h, surface));
        if (in.traffic() != null) {
            rules.addAll(TrafficRules.judge(in.traffic(), t));
        }

        List<String> reasons = new ArrayList<>();
        for (RuleResult r : rules) {
            if (r.status() == Status.TRIPPED) {
                reasons.add(r.evidence());
            }
        }
        Decision decision;
        if (!reasons.isEmpty()) {
            decision = Decision.ROLLBACK;
        } else {
            for (RuleResult r : rules) {
                if (!r.status().allowsPromote()) {
                    reasons.add(r.evidence());
                }
            }
            long canaryProbes = h.totals(Side.CANARY).probes();
            if (canaryProbes < t.minCanaryProbes()) {
                reasons.add("the canary was probed " + canaryProbes + (canaryProbes == 1 ? " time" : " times") + "; promoting needs at least "
                        + t.minCanaryProbes());
            }
            long unattributed = h.unattributedIn(in.now());
            if (in.split() != null && unattributed > 0) {
                reasons.add(unattributed + (unattributed == 1 ? " probe" : " probes") + " in the last " + words(t.window())
                        + " failed on a response without " + in.split().header() + ", so no version can be blamed ("
                        + h.lastUnattributed().message() + ")");
            }
            decision = reasons.isEmpty() ? Decision.PROMOTE : Decision.INCONCLUSIVE;
            if (decision == Decision.PROMOTE) {
                reasons.add("every rule passed over the last " + words(t.window()) + " (" + canaryProbes + " canary probes in all)");
            }
        }
        return new Verdict(decision, reasons, h.first(), in.now(), h.rounds(), summary(in, Side.STABLE), summary(in, Side.CANARY), rules,
                surface, in.traffic());
    }

    /** Whether the comparison has run for the whole window (a round's interval of slack: n rounds cover n intervals). */
    private static boolean windowFull(Inputs in) {
        Instant first = in.history().first();
        return first != null && !in.now().plus(in.interval()).isBefore(first.plus(in.thresholds().window()));
    }

    private static String notFull(Inputs in) {
        Instant first = in.history().first();
        Duration ran = first == null ? Duration.ZERO : Duration.between(first, in.now()).plus(in.interval());
        return "the rule looks at the last " + words(in.thresholds().window()) + " of probes; the comparison has run " + words(ran);
    }

    // ---- canary reachable --------------------------------------------------------------------

    private static RuleResult reachable(Inputs in) {
        History h = in.history();
        String rule = "canary_reachable";
        String threshold = "any probe that cannot connect → roll back";
        if (in.split() != null) {
            return new RuleResult(rule, "probes", null, Status.NOT_APPLICABLE, null, null, threshold, null, null,
                    "behind one URL the proxy answers for a crashed canary; such failures carry no " + in.split().header()
                            + " and are counted apart");
        }
        Sample stable = h.latest(Side.STABLE);
        Sample canary = h.latest(Side.CANARY);
        Figure fs = reached(h.totals(Side.STABLE));
        Figure fc = reached(h.totals(Side.CANARY));
        if (stable == null || canary == null) {
            return new RuleResult(rule, "probes", null, Status.NOT_ENOUGH_DATA, fs, fc, threshold, null, null, "no probe of both sides yet");
        }
        if (canary.unreachable() && !stable.unreachable()) {
            return new RuleResult(rule, "probes", null, Status.TRIPPED, fs, fc, threshold, null, null,
                    "canary unreachable at " + canary.at() + ": " + canary.failure().message() + " (" + canary.failure().reason().name()
                            .toLowerCase(Locale.ROOT) + "); the stable answered at " + stable.at());
        }
        if (canary.unreachable()) {
            return new RuleResult(rule, "probes", null, Status.UNSURE, fs, fc, threshold, null, null,
                    "neither side could be reached in the last round (canary: " + canary.failure().message() + "; stable: "
                            + stable.failure().message() + "): the path from mcpwatch, not the canary, may be at fault");
        }
        return new RuleResult(rule, "probes", null, Status.PASS, fs, fc, threshold, null, null,
                "the canary answered its latest probe (" + fc.text() + ")");
    }

    private static Figure reached(History.Totals t) {
        return new Figure(t.probes(), t.unreachable(), null, (t.probes() - t.unreachable()) + " of " + t.probes() + " reached");
    }

    // ---- error rate --------------------------------------------------------------------------

    private static RuleResult errorRate(Inputs in, boolean full) {
        Thresholds t = in.thresholds();
        List<Sample> s = in.history().window(Side.STABLE, in.now());
        List<Sample> c = in.history().window(Side.CANARY, in.now());
        long ns = s.size();
        long nc = c.size();
        long es = s.stream().filter(x -> !x.ok()).count();
        long ec = c.stream().filter(x -> !x.ok()).count();
        Figure fs = rate(ns, es, "probes");
        Figure fc = rate(nc, ec, "probes");
        String threshold = "> " + num(t.errorRatio()) + "× the stable's over " + words(t.window()) + ", p < " + num(t.alpha());
        String test = "Fisher's exact test, one-sided (canary fails more often than the stable)";
        String rule = "error_rate";
        if (!full) {
            return new RuleResult(rule, "probes", null, Status.NOT_ENOUGH_DATA, fs, fc, threshold, null, null, notFull(in));
        }
        if (ns < t.minWindowProbes() || nc < t.minWindowProbes()) {
            return new RuleResult(rule, "probes", null, Status.NOT_ENOUGH_DATA, fs, fc, threshold, null, null,
                    "error rate: " + ns + " stable and " + nc + " canary probes in the last " + words(t.window()) + "; the rule needs "
                            + t.minWindowProbes() + " on each side");
        }
        double rs = (double) es / ns;
        double rc = (double) ec / nc;
        double p = Stats.fisherGreater(ec, nc, es, ns);
        String figures = "canary failed " + ec + " of " + nc + " probes (" + pct(rc) + ") in the last " + words(t.window())
                + ", stable " + es + " of " + ns + " (" + pct(rs) + ")";
        if (rs * t.errorRatio() >= 1) {
            return new RuleResult(rule, "probes", null, Status.UNSURE, fs, fc, threshold, test, p,
                    "error rate: " + figures + "; with the stable failing that often no canary can fail " + num(t.errorRatio())
                            + "× as often, so the rule cannot judge");
        }
        boolean over = rc > t.errorRatio() * rs;
        Status status = status(over, p, t.alpha());
        String evidence = switch (status) {
            case TRIPPED -> "error rate: " + figures + " — more than " + num(t.errorRatio()) + "× the stable's, and " + test + " gives p = "
                    + pval(p) + " < " + num(t.alpha());
            case UNSURE -> "error rate: " + figures + " — more than " + num(t.errorRatio()) + "× the stable's, but at these counts that "
                    + "could be chance (" + test + ", p = " + pval(p) + ")";
            default -> "error rate: " + figures + (over ? " — over " + num(t.errorRatio()) + "× the stable's, but at these counts "
                    + "that says nothing (p = " + pval(p) + ")" : "");
        };
        return new RuleResult(rule, "probes", null, status, fs, fc, threshold, test, p, evidence);
    }

    /**
     * Where a rule stands from its figure and its test: over the threshold and significant rolls
     * back; over it with some evidence ({@code p < SUGGESTIVE}) is unsure — not enough to roll back,
     * too much to promote; over it with none (one slow probe in thirty, one failure against none) is
     * what chance does and passes.
     */
    static Status status(boolean over, double p, double alpha) {
        if (!over || p >= SUGGESTIVE) {
            return Status.PASS;
        }
        return p < alpha ? Status.TRIPPED : Status.UNSURE;
    }

    /** Below this p-value a figure over its threshold is some evidence of a regression. */
    static final double SUGGESTIVE = 0.1;

    static Figure rate(long n, long errors, String unit) {
        double r = n == 0 ? 0 : (double) errors / n;
        return new Figure(n, errors, n == 0 ? null : r, errors + "/" + n + " " + unit + (n == 0 ? "" : " (" + pct(r) + ")"));
    }

    // ---- latency -----------------------------------------------------------------------------

    private static List<RuleResult> latency(Inputs in, boolean full) {
        Thresholds t = in.thresholds();
        List<Sample> s = in.history().window(Side.STABLE, in.now());
        List<Sample> c = in.history().window(Side.CANARY, in.now());
        List<Phase> judged = new ArrayList<>();
        List<RuleResult> out = new ArrayList<>();
        for (Phase phase : PHASES) {
            int ns = values(s, phase).length;
            int nc = values(c, phase).length;
            boolean stableEnough = ns >= t.minWindowProbes();
            boolean canaryEnough = nc >= t.minWindowProbes();
            if (stableEnough && canaryEnough) {
                judged.add(phase);
            } else if (phase == Phase.TOTAL && in.split() == null) {
                out.add(new RuleResult("latency_p99", "probes", phase, Status.NOT_ENOUGH_DATA, msFigure(values(s, phase), 0),
                        msFigure(values(c, phase), 0), null, null, null, "latency: " + ns + " stable and " + nc
                                + " canary probes succeeded in the last " + words(t.window()) + "; the rule needs " + t.minWindowProbes()
                                + " on each side"));
            } else if (stableEnough != canaryEnough) {
                out.add(new RuleResult("latency_p99", "probes", phase, Status.NOT_APPLICABLE, msFigure(values(s, phase), 0),
                        msFigure(values(c, phase), 0), null, null, null, "latency of " + phase.wireName() + ": only "
                                + (stableEnough ? "the stable" : "the canary") + " makes this step (" + ns + " stable, " + nc
                                + " canary probes) — a different protocol era?"));
            }
            // else a step both sides make only now and then (the era detection of a first probe): nothing to compare
        }
        if (judged.isEmpty() && in.split() != null) {
            // Behind one URL a probe's steps may be answered by either version, so no single step is required; but some must be compared.
            out.add(new RuleResult("latency_p99", "probes", null, Status.NOT_ENOUGH_DATA, null, null, null, null, null,
                    "latency: no step was answered " + t.minWindowProbes() + " times by each version in the last " + words(t.window())));
        }
        int m = Math.max(1, judged.size());
        double alpha = t.alpha() / m;
        for (Phase phase : judged) {
            double[] sv = values(s, phase);
            double[] cv = values(c, phase);
            double p99s = Stats.quantile(sv, 0.99);
            double p99c = Stats.quantile(cv, 0.99);
            double limit = Math.max(t.latencyRatio() * p99s, p99s + t.latencyFloor().toNanos() / 1e6);
            long slow = Arrays.stream(cv).filter(v -> v > limit).count();
            double p = Stats.binomialAtLeast(cv.length, slow, 0.01);
            String threshold = "> " + num(t.latencyRatio()) + "× the stable's p99 and +" + words(t.latencyFloor()) + " over "
                    + words(t.window()) + ", p < " + num(alpha);
            String test = "binomial test, one-sided: more than 1 % of canary probes slower than the threshold"
                    + (m > 1 ? " (α split over " + m + " steps)" : "");
            if (!full) {
                out.add(new RuleResult("latency_p99", "probes", phase, Status.NOT_ENOUGH_DATA, msFigure(sv, 0), msFigure(cv, slow),
                        threshold, null, null, notFull(in)));
                continue;
            }
            boolean over = p99c > limit;
            Status status = status(over, p, alpha);
            String figures = phase.wireName() + " p99 " + ms(p99c) + " on the canary (" + cv.length + " probes), " + ms(p99s)
                    + " on the stable (" + sv.length + ") in the last " + words(t.window()) + ": " + ratio(p99c, p99s);
            String evidence = switch (status) {
                case TRIPPED -> "latency: " + figures + "; " + slow + " of " + cv.length + " canary probes took over " + ms(limit)
                        + " (" + num(t.latencyRatio()) + "× the stable's p99), " + test + " gives p = " + pval(p);
                case UNSURE -> "latency: " + figures + ", over " + ms(limit) + ", but only " + slow + " of " + cv.length
                        + " canary probes were that slow, which could be chance (p = " + pval(p) + ")";
                default -> "latency: " + figures + (over ? "; " + slow + " of " + cv.length + " canary probes took over " + ms(limit)
                        + ", which says nothing at these counts (p = " + pval(p) + ")" : "");
            };
            out.add(new RuleResult("latency_p99", "probes", phase, status, msFigure(sv, 0), msFigure(cv, slow), threshold, test, p,
                    evidence));
        }
        return out;
    }

    private static double[] values(List<Sample> samples, Phase phase) {
        return samples.stream().map(x -> x.phaseMs().get(phase)).filter(v -> v != null).mapToDouble(Double::doubleValue).toArray();
    }

    private static Figure msFigure(double[] v, long slow) {
        if (v.length == 0) {
            return new Figure(0L, null, null, "no probes");
        }
        double p99 = Stats.quantile(v, 0.99);
        double p50 = Stats.quantile(v, 0.5);
        return new Figure((long) v.length, slow, round(p99), ms(p99) + " p99, " + ms(p50) + " p50 (" + v.length + ")");
    }

    // ---- schema errors -----------------------------------------------------------------------

    private static RuleResult schemaErrors(History h, Thresholds t) {
        History.Totals s = h.totals(Side.STABLE);
        History.Totals c = h.totals(Side.CANARY);
        Figure fs = rate(s.toolCalls(), s.schemaErrors(), "calls");
        Figure fc = rate(c.toolCalls(), c.schemaErrors(), "calls");
        String threshold = "> " + pct(t.schemaErrorShare()) + " of the canary's tool calls, p < " + num(t.alpha());
        String test = "binomial test, one-sided, against " + pct(t.schemaErrorShare());
        if (c.toolCalls() == 0) {
            return new RuleResult("schema_errors", "probes", null, Status.NOT_APPLICABLE, fs, fc, threshold, null, null,
                    "schema errors: the canary made no tool calls to check (give a read-only health call: --call TOOL)");
        }
        double share = (double) c.schemaErrors() / c.toolCalls();
        double p = Stats.binomialAtLeast(c.toolCalls(), c.schemaErrors(), t.schemaErrorShare());
        boolean over = share > t.schemaErrorShare();
        Status status = status(over, p, t.alpha());
        String figures = c.schemaErrors() + " of the canary's " + c.toolCalls() + " tool calls (" + pct(share) + ") were schema errors"
                + (s.toolCalls() > 0 ? ", the stable's " + s.schemaErrors() + " of " + s.toolCalls() : "");
        String example = c.schemaExamples().isEmpty() ? "" : "; first: " + c.schemaExamples().getFirst();
        String evidence = switch (status) {
            case TRIPPED -> "schema errors: " + figures + ", over " + pct(t.schemaErrorShare()) + " (p = " + pval(p) + ")" + example;
            case UNSURE -> "schema errors: " + figures + ", over " + pct(t.schemaErrorShare()) + ", but too few calls to be sure (p = "
                    + pval(p) + ")" + example;
            default -> "schema errors: " + figures + (over ? ", over " + pct(t.schemaErrorShare()) + " but too few to say anything (p = "
                    + pval(p) + ")" + example : "");
        };
        return new RuleResult("schema_errors", "probes", null, status, fs, fc, threshold, test, p, evidence);
    }

    // ---- tool surface ------------------------------------------------------------------------

    private static Verdict.ToolSurface toolSurface(History h, boolean allowBreaking) {
        ToolList s = h.tools(Side.STABLE);
        ToolList c = h.tools(Side.CANARY);
        if (s == null || c == null) {
            return new Verdict.ToolSurface(s == null ? null : s.count(), c == null ? null : c.count(), 0, allowBreaking, List.of());
        }
        ServerInfo ss = h.server(Side.STABLE);
        ServerInfo cs = h.server(Side.CANARY);
        Drift drift = Drift.between(definitions(s), ss == null ? null : ss.version(), definitions(c), cs == null ? null : cs.version());
        return new Verdict.ToolSurface(s.count(), c.count(), drift.breakingCount(), allowBreaking, drift.changes());
    }

    private static RuleResult surfaceRule(History h, Verdict.ToolSurface surface) {
        Figure fs = surface.stableTools() == null ? Figure.text("no tool list yet") : new Figure((long) surface.stableTools(), null, null,
                tools(surface.stableTools()));
        Figure fc = surface.canaryTools() == null ? Figure.text("no tool list yet") : new Figure((long) surface.canaryTools(),
                surface.breaking(), null, tools(surface.canaryTools()) + ", " + surface.changes().size() + " changed");
        String threshold = "any breaking change (removed or renamed tool, new required parameter, narrowed type…)";
        if (surface.stableTools() == null || surface.canaryTools() == null) {
            return new RuleResult("tool_surface", "probes", null, Status.NOT_ENOUGH_DATA, fs, fc, threshold, null, null,
                    "tool surface: no tool list from " + (surface.stableTools() == null ? "the stable" : "the canary") + " yet");
        }
        List<SchemaChange> breaking = surface.changes().stream().filter(SchemaChange::breaking).toList();
        if (breaking.isEmpty()) {
            String what = surface.changes().isEmpty() ? "the canary lists the same tools as the stable"
                    : surface.changes().size() + " changes to the tool list, none breaking: "
                            + String.join("; ", surface.changes().stream().map(SchemaChange::sentence).limit(5).toList());
            return new RuleResult("tool_surface", "probes", null, Status.PASS, fs, fc, threshold, null, null, "tool surface: " + what);
        }
        String list = String.join("; ", breaking.stream().map(SchemaChange::sentence).toList());
        if (surface.allowBreaking()) {
            return new RuleResult("tool_surface", "probes", null, Status.ACKNOWLEDGED, fs, fc, threshold, null, null,
                    "tool surface: " + breaking.size() + " breaking " + (breaking.size() == 1 ? "change" : "changes")
                            + ", acknowledged for this deploy: " + list);
        }
        return new RuleResult("tool_surface", "probes", null, Status.TRIPPED, fs, fc, threshold, null, null,
                "tool surface: " + breaking.size() + " breaking " + (breaking.size() == 1 ? "change" : "changes")
                        + " against the stable (agents that cached the stable's tool list will fail): " + list
                        + " — acknowledge with --allow-breaking if this deploy means it");
    }

    private static String tools(int n) {
        return n + (n == 1 ? " tool" : " tools");
    }

    private static ArrayNode definitions(ToolList tools) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (ToolSnapshot t : tools.tools()) {
            a.add(t.definition());
        }
        return a;
    }

    // ---- summaries ---------------------------------------------------------------------------

    private static Verdict.SideSummary summary(Inputs in, Side side) {
        History h = in.history();
        History.Totals t = h.totals(side);
        ToolList tools = h.tools(side);
        String version = in.split() == null ? null : side == Side.STABLE ? in.split().stableVersion() : in.split().canaryVersion();
        return new Verdict.SideSummary(side == Side.STABLE ? in.stableTarget() : in.canaryTarget(), version, h.server(side), t.probes(),
                t.errors(), t.unreachable(), t.toolCalls(), t.schemaErrors(), t.schemaExamples(), tools == null ? null : tools.count());
    }

    // ---- words -------------------------------------------------------------------------------

    static String pct(double share) {
        double p = share * 100;
        return (p != 0 && p < 0.1 ? String.format(Locale.ROOT, "%.2f", p) : String.format(Locale.ROOT, "%.1f", p)) + " %";
    }

    static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", stripZeros(v));
    }

    private static String stripZeros(double v) {
        String s = String.format(Locale.ROOT, "%.6f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static String pval(double p) {
        return p < 0.0001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
    }

    static String ms(double v) {
        return (v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v)) + " ms";
    }

    static String ratio(double canary, double stable) {
        return stable <= 0 ? "no stable time to compare" : String.format(Locale.ROOT, "%.1f× the stable's", canary / stable);
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** A duration as people say it: 5m, 1h30m, 45s, 1.5s, 300ms. */
    public static String words(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 1000 != 0 && ms < 60_000) {
            return stripZeros(ms / 1000.0) + "s";
        }
        long s = ms / 1000;
        StringBuilder out = new StringBuilder();
        if (s >= 3600) {
            out.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            out.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0 || out.isEmpty()) {
            out.append(s).append('s');
        }
        return out.toString();
    }
}
