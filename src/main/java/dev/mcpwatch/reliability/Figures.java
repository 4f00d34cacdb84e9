package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Layer;
import dev.mcpwatch.probe.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The reliability record of one period for some monitors (one, a tag's, or all): availability from
 * the rollups, and the incidents detected in the period — how many by severity, reason and layer,
 * how they ended, MTTD, MTTA and MTTR — plus the time spent at each severity. The definitions are
 * docs/reliability.md's; {@link IncidentLine} applies them to one incident.
 */
public record Figures(Period period, Availability availability, int incidents, int inMaintenance, Map<Severity, Integer> bySeverity,
        Map<Reason, Integer> byReason, Map<Layer, Integer> byLayer, Map<Outcome, Integer> outcomes, DurationStats mttd, DurationStats mtta,
        DurationStats mttr, Map<Outcome, DurationStats> mttrByOutcome, Map<Severity, Long> timeInSeverityMs, List<IncidentLine> lines) {

    /**
     * @param incidents the monitors' incidents that overlap the period (open at some moment in it)
     * @param unwatched each monitor's maintenance and paused time
     * @param now when the record is read: the end of incidents still open
     */
    public static Figures of(Period period, Availability availability, List<IncidentFacts> incidents, Function<String, TimeSet> unwatched,
            long now) {
        List<IncidentLine> lines = new ArrayList<>();
        for (IncidentFacts i : incidents) {
            lines.add(IncidentLine.of(i, period, unwatched.apply(i.monitorId()), now));
        }
        return of(period, availability, lines);
    }

    public static Figures of(Period period, Availability availability, List<IncidentLine> lines) {
        Map<Severity, Integer> bySeverity = new EnumMap<>(Severity.class);
        Map<Reason, Integer> byReason = new TreeMap<>();
        Map<Layer, Integer> byLayer = new TreeMap<>();
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        Map<Severity, Long> time = new EnumMap<>(Severity.class);
        List<Long> mttd = new ArrayList<>();
        List<Long> mtta = new ArrayList<>();
        List<Long> mttr = new ArrayList<>();
        Map<Outcome, List<Long>> mttrBy = new EnumMap<>(Outcome.class);
        int counted = 0;
        int maintenance = 0;
        for (IncidentLine l : lines) {
            l.timeInSeverityMs().forEach((s, ms) -> time.merge(s, ms, Long::sum));
            if (l.inMaintenance()) {
                maintenance++;
            }
            if (!l.counted()) {
                continue;
            }
            counted++;
            IncidentFacts i = l.incident();
            if (i.severity() != null) {
                bySeverity.merge(i.severity(), 1, Integer::sum);
            }
            byReason.merge(i.reason(), 1, Integer::sum);
            byLayer.merge(i.layer(), 1, Integer::sum);
            outcomes.merge(i.outcome(), 1, Integer::sum);
            mttd.add(l.mttdMs());
            if (l.mttaMs() != null) {
                mtta.add(l.mttaMs());
            }
            if (l.mttrMs() != null) {
                mttr.add(l.mttrMs());
                mttrBy.computeIfAbsent(i.outcome(), k -> new ArrayList<>()).add(l.mttrMs());
            }
        }
        Map<Outcome, DurationStats> mttrByOutcome = new EnumMap<>(Outcome.class);
        mttrBy.forEach((k, v) -> mttrByOutcome.put(k, DurationStats.of(v)));
        return new Figures(period, availability, counted, maintenance, Collections.unmodifiableMap(bySeverity),
                Collections.unmodifiableMap(byReason), Collections.unmodifiableMap(byLayer), Collections.unmodifiableMap(outcomes),
                DurationStats.of(mttd), DurationStats.of(mtta), DurationStats.of(mttr), Collections.unmodifiableMap(mttrByOutcome),
                Collections.unmodifiableMap(time), List.copyOf(lines));
    }

    public int count(Severity s) {
        return bySeverity.getOrDefault(s, 0);
    }

    public int count(Outcome o) {
        return outcomes.getOrDefault(o, 0);
    }

    public long timeIn(Severity s) {
        return timeInSeverityMs.getOrDefault(s, 0L);
    }

    /** The lines that counted (detected in the period, outside maintenance), for drill-downs. */
    public List<IncidentLine> countedLines() {
        return lines.stream().filter(IncidentLine::counted).toList();
    }
}
