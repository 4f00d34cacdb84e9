package dev.mcpwatch.reliability;

import java.time.Duration;
import java.util.List;

/**
 * A service level objective on one monitor or on every monitor of a tag: {@code target} (a share,
 * 0.999 for 99.9 %) of the {@link Objective}'s events good over a rolling {@code window}, optionally
 * for one tool's health calls only, with the burn-rate alerts that guard its budget.
 *
 * @param threshold latency objectives only: a probe under this total time is good
 * @param tool when set, the events are this tool's health calls instead of whole probes
 * @param statusPage whether status pages showing the SLO's monitor may show its attainment
 */
public record Slo(String id, String name, String monitor, String tag, Objective objective, double target, Duration window, Duration threshold,
        String tool, List<BurnAlert> alerts, boolean statusPage) {

    public Slo {
        alerts = List.copyOf(alerts);
        if ((monitor == null) == (tag == null)) {
            throw new IllegalArgumentException("SLO " + id + ": set either monitor or tag");
        }
        if (!(target > 0 && target < 1)) {
            throw new IllegalArgumentException("SLO " + id + ": the target must be above 0 % and below 100 %");
        }
        if (objective == Objective.LATENCY && threshold == null) {
            throw new IllegalArgumentException("SLO " + id + ": a latency objective needs a threshold");
        }
        if (objective == Objective.LATENCY && tool != null) {
            throw new IllegalArgumentException("SLO " + id + ": per-tool SLOs count health calls that succeed; latency is the probe's");
        }
    }

    /** The share of events that may be bad: the error budget as a ratio. */
    public double budgetRatio() {
        return 1 - target;
    }

    /** How fast the budget burns over events: 1 spends it exactly over the window. Null with no events. */
    public Double burnRate(Counts c) {
        return c.total() == 0 ? null : (double) c.bad() / c.total() / budgetRatio();
    }

    /** Who it is about, in words: {@code monitor weather} or {@code tag prod}, with the tool when there is one. */
    public String subject() {
        return (monitor != null ? "monitor " + monitor : "tag " + tag) + (tool != null ? ", tool " + tool : "");
    }
}
