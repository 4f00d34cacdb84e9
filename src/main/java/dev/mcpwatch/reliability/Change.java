package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;

/**
 * How a period's figures moved from the period before: availability in percentage points, counts
 * in incidents, MTT* means and medians in milliseconds (positive: slower). A figure that one of the
 * two periods lacks has no change (null).
 */
public record Change(Double availabilityPoints, int incidents, int p1, int p2, Double mttdMeanMs, Double mttdMedianMs, Double mttaMeanMs,
        Double mttaMedianMs, Double mttrMeanMs, Double mttrMedianMs) {

    public static Change between(Figures before, Figures now) {
        return new Change(diff(percent(before), percent(now)),
                now.incidents() - before.incidents(),
                now.count(Severity.P1) - before.count(Severity.P1),
                now.count(Severity.P2) - before.count(Severity.P2),
                diff(before.mttd().meanMs(), now.mttd().meanMs()), diff(before.mttd().medianMs(), now.mttd().medianMs()),
                diff(before.mtta().meanMs(), now.mtta().meanMs()), diff(before.mtta().medianMs(), now.mtta().medianMs()),
                diff(before.mttr().meanMs(), now.mttr().meanMs()), diff(before.mttr().medianMs(), now.mttr().medianMs()));
    }

    private static Double percent(Figures f) {
        return f.availability().ratio() == null ? null : f.availability().ratio() * 100;
    }

    private static Double diff(Double before, Double now) {
        return before == null || now == null ? null : now - before;
    }
}
