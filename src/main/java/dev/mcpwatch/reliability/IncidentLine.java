package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One incident as a period of the record counts it — the row behind every figure, and what a
 * drill-down lists. Durations are watched time: time inside a maintenance window covering the
 * monitor, or while it was paused, is taken out.
 *
 * @param counted detected in the period, and not wholly inside unwatched time: it counts in the
 *     incident figures and MTT*
 * @param inMaintenance detected in the period, but from onset to end inside a maintenance window (or
 *     paused): it is the maintenance's, shown apart and counted in no figure
 * @param mttdMs onset → first alert delivered (detection when none was)
 * @param mttaMs first alert (or detection) → acknowledged; null when never acknowledged
 * @param mttrMs detected → resolved; null while open, or when its monitor was removed
 * @param timeInSeverityMs the time it spent at each severity in force, within the period
 */
public record IncidentLine(IncidentFacts incident, boolean counted, boolean inMaintenance, long mttdMs, Long mttaMs, Long mttrMs,
        Map<Severity, Long> timeInSeverityMs) {

    public IncidentLine {
        EnumMap<Severity, Long> copy = new EnumMap<>(Severity.class);
        copy.putAll(timeInSeverityMs);
        timeInSeverityMs = Collections.unmodifiableMap(copy);
    }

    /**
     * @param unwatched the monitor's maintenance and paused time
     * @param now the end of an incident still open
     */
    public static IncidentLine of(IncidentFacts i, Period period, TimeSet unwatched, long now) {
        long end = i.resolvedAt() != null ? i.resolvedAt() : Math.max(now, i.detectedAt());
        boolean detectedHere = period.contains(i.detectedAt());
        boolean inMaintenance = detectedHere && unwatched.outside(i.onsetAt(), Math.max(end, i.onsetAt() + 1)) == 0;
        long mttd = unwatched.outside(i.onsetAt(), i.toldAt());
        Long mtta = i.acknowledgedAt() == null ? null : unwatched.outside(i.toldAt(), i.acknowledgedAt());
        Long mttr = i.outcome().restored() ? unwatched.outside(i.detectedAt(), i.resolvedAt()) : null;
        return new IncidentLine(i, detectedHere && !inMaintenance, inMaintenance, mttd, mtta, mttr, timeInSeverity(i, period, unwatched, end));
    }

    /**
     * From onset at the severity it was confirmed with, then at each severity it changed to, until it
     * ended: the part of each stretch inside the period and outside unwatched time.
     */
    static Map<Severity, Long> timeInSeverity(IncidentFacts i, Period period, TimeSet unwatched, long end) {
        Map<Severity, Long> out = new EnumMap<>(Severity.class);
        Severity current = i.severity();
        long from = i.onsetAt();
        List<IncidentFacts.SeverityChange> changes = i.changes().stream()
                .sorted(Comparator.comparingLong(IncidentFacts.SeverityChange::at)).toList();
        for (IncidentFacts.SeverityChange ch : changes) {
            long to = Math.min(Math.max(ch.at(), from), end);
            add(out, current, period, unwatched, from, to);
            from = to;
            current = ch.to();
        }
        add(out, current, period, unwatched, from, end);
        return out;
    }

    private static void add(Map<Severity, Long> out, Severity s, Period period, TimeSet unwatched, long from, long to) {
        long a = Math.max(from, period.start());
        long b = Math.min(to, period.end());
        long ms = unwatched.outside(a, b);
        if (s != null && ms > 0) {
            out.merge(s, ms, Long::sum);
        }
    }
}
