package dev.mcpwatch.status;

import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.web.Fmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The 90 daily availability bars of a monitor (status pages and the dashboard alike): each UTC day
 * coloured by the minutes spent inside an incident, grey when nothing was probed that day. Today,
 * while an incident is still open, is "ongoing", whatever its minutes so far: an outage that began
 * ten minutes ago is not a day with "under 15 min" of downtime.
 */
public final class DailyBars {
    public static final int DAYS = 90;

    /** One day: its start, downtime minutes, whether it was probed, a colour level and the words for it. */
    public record Day(long start, long downtimeMinutes, boolean hasData, String level, String label) {}

    private DailyBars() {}

    /** The first day with probes among the 90, or null when there is none. */
    public static Long firstDayWithData(List<RollupStore.DayCount> counts) {
        if (counts == null) {
            return null;
        }
        return counts.stream().filter(d -> d.probes() > 0).map(RollupStore.DayCount::dayStart).min(Long::compare).orElse(null);
    }

    /** The first day of the 90 that end with today (UTC). */
    public static long firstDay(long now) {
        return Resolution.DAY.bucketStart(now) - (DAYS - 1) * Resolution.DAY.millis();
    }

    public static List<Day> of(long[] downtime, List<RollupStore.DayCount> counts, long now) {
        return of(downtime, counts, now, false);
    }

    /** The bars, today's marked ongoing when {@code ongoing} (an incident of the monitor is open). */
    public static List<Day> of(long[] downtime, List<RollupStore.DayCount> counts, long now, boolean ongoing) {
        long first = firstDay(now);
        Set<Long> probed = new HashSet<>();
        if (counts != null) {
            counts.stream().filter(d -> d.probes() > 0).forEach(d -> probed.add(d.dayStart()));
        }
        List<Day> days = new ArrayList<>(DAYS);
        for (int i = 0; i < DAYS; i++) {
            long start = first + i * Resolution.DAY.millis();
            long minutes = downtime == null ? 0 : downtime[i];
            // A day inside an incident counts as data even if no probe was recorded (the probes failed to be stored, say).
            boolean hasData = probed.contains(start) || minutes > 0;
            if (ongoing && i == DAYS - 1 && minutes > 0) {
                days.add(new Day(start, minutes, true, "ongoing", Fmt.day(start) + ": " + Fmt.minutes(minutes) + " of downtime so far, ongoing"));
                continue;
            }
            days.add(new Day(start, minutes, hasData, level(minutes, hasData), label(start, minutes, hasData)));
        }
        return days;
    }

    static String level(long minutes, boolean hasData) {
        if (!hasData) {
            return "none";
        }
        if (minutes == 0) {
            return "ok";
        }
        if (minutes < 15) {
            return "minor";
        }
        return minutes < 120 ? "major" : "outage";
    }

    static String label(long start, long minutes, boolean hasData) {
        String day = Fmt.day(start);
        if (!hasData) {
            return day + ": no data";
        }
        return minutes == 0 ? day + ": no downtime" : day + ": " + Fmt.minutes(minutes) + " of downtime";
    }
}
