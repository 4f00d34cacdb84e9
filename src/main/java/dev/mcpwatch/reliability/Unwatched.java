package dev.mcpwatch.reliability;

import dev.mcpwatch.alert.MaintenanceWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The time the record does not watch, per monitor: the maintenance occurrences that covered it and
 * the times it was paused. Occurrences are those mcpwatch recorded as they began, so editing the
 * configuration later does not rewrite the record; the window in progress now is taken from the
 * configuration until it is recorded.
 */
public final class Unwatched {

    /** One occurrence of a maintenance window and whom it covered (monitor ids, tags). */
    public record Occurrence(String window, long start, long end, List<String> monitors, List<String> tags) {
        public Occurrence {
            monitors = List.copyOf(monitors);
            tags = List.copyOf(tags);
        }

        public boolean covers(String monitorId, List<String> monitorTags) {
            return monitors.contains(monitorId) || monitorTags.stream().anyMatch(tags::contains);
        }

        /** The occurrence of {@code w} in progress at {@code now}, or null. */
        public static Occurrence inProgress(MaintenanceWindow w, Instant now) {
            MaintenanceWindow.Occurrence o = w.currentOrNext(now);
            return o == null || !o.inProgressAt(now) ? null
                    : new Occurrence(w.name(), o.start().toEpochMilli(), o.end().toEpochMilli(), w.monitors(), w.tags());
        }
    }

    public static final Unwatched NOTHING = new Unwatched(List.of(), Map.of());

    private final List<Occurrence> occurrences;
    private final Map<String, TimeSet> pauses;

    /**
     * @param occurrences maintenance occurrences that overlap the time of interest
     * @param pauses each monitor's paused spans (an unended pause runs to the time of interest's end)
     */
    public Unwatched(List<Occurrence> occurrences, Map<String, List<Span>> pauses) {
        this.occurrences = List.copyOf(occurrences);
        Map<String, TimeSet> p = new HashMap<>();
        pauses.forEach((k, v) -> p.put(k, TimeSet.of(v)));
        this.pauses = p;
    }

    /** When maintenance covered this monitor. */
    public TimeSet maintenance(String monitorId, List<String> tags) {
        List<Span> spans = new ArrayList<>();
        for (Occurrence o : occurrences) {
            if (o.covers(monitorId, tags)) {
                spans.add(new Span(o.start(), o.end()));
            }
        }
        return TimeSet.of(spans);
    }

    public TimeSet paused(String monitorId) {
        return pauses.getOrDefault(monitorId, TimeSet.EMPTY);
    }

    /** Maintenance and pauses together: what every duration of the record leaves out. */
    public TimeSet of(String monitorId, List<String> tags) {
        return maintenance(monitorId, tags).union(paused(monitorId));
    }

    /**
     * Monitors grouped by the maintenance that covered them: each group's rollups can be read with one
     * plan ({@link Cover}), and most installations have a handful of groups however many monitors.
     */
    public Map<TimeSet, List<String>> byMaintenance(Map<String, List<String>> tagsByMonitor) {
        Map<TimeSet, List<String>> out = new LinkedHashMap<>();
        tagsByMonitor.forEach((id, tags) -> out.computeIfAbsent(maintenance(id, tags), k -> new ArrayList<>()).add(id));
        return out;
    }
}
