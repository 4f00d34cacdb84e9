package dev.mcpwatch.reliability;

import dev.mcpwatch.store.Resolution;
import java.util.ArrayList;
import java.util.List;

/**
 * Which rollup buckets to add up for a stretch of time, and which of them fall in maintenance: whole
 * days where no window touches them, whole hours where one touches the day but not the hour, and
 * minutes inside the hours a window starts or ends in. A bucket is maintenance's when a window covers
 * its start; at minute resolution that is the minute a probe ran in. Where minute rollups are gone
 * (older than {@code minutesSince}) an hour a window only partly covers is judged by its start too.
 * Adjacent buckets of one resolution and kind become one run, so a month without maintenance is one
 * run of days, and a reader sums a handful of ranges instead of thousands of rows.
 */
public final class Cover {

    /** Buckets of one resolution from {@code from} (inclusive) to {@code to} (exclusive, by start). */
    public record Run(Resolution resolution, long from, long to, boolean maintenance) {}

    private Cover() {}

    /**
     * @param from start of the stretch, at least minute-aligned (a bucket counts when its start is in the stretch)
     * @param to end of the stretch, exclusive
     * @param maintenance when a window covered the monitors being summed
     * @param minutesSince the oldest minute that still has its minute rollup
     */
    public static List<Run> of(long from, long to, TimeSet maintenance, long minutesSince) {
        List<Run> out = new ArrayList<>();
        if (to > from) {
            days(out, from, to, maintenance, minutesSince);
        }
        return out;
    }

    private static void days(List<Run> out, long from, long to, TimeSet m, long minutesSince) {
        long day = Resolution.DAY.millis();
        for (long d = Resolution.DAY.bucketStart(from); d < to; d += day) {
            long e = d + day;
            boolean whole = d >= from && e <= to;
            if (whole && !m.touches(d, e)) {
                add(out, Resolution.DAY, d, e, false);
            } else if (whole && m.covers(d, e)) {
                add(out, Resolution.DAY, d, e, true);
            } else {
                hours(out, Math.max(from, d), Math.min(to, e), m, minutesSince);
            }
        }
    }

    private static void hours(List<Run> out, long from, long to, TimeSet m, long minutesSince) {
        long hour = Resolution.HOUR.millis();
        for (long h = Resolution.HOUR.bucketStart(from); h < to; h += hour) {
            long e = h + hour;
            boolean whole = h >= from && e <= to;
            if (whole && !m.touches(h, e)) {
                add(out, Resolution.HOUR, h, e, false);
            } else if (whole && m.covers(h, e)) {
                add(out, Resolution.HOUR, h, e, true);
            } else if (h >= minutesSince) {
                minutes(out, Math.max(from, h), Math.min(to, e), m);
            } else if (h >= from) {
                add(out, Resolution.HOUR, h, e, m.contains(h));
            }
        }
    }

    private static void minutes(List<Run> out, long from, long to, TimeSet m) {
        long minute = Resolution.MINUTE.millis();
        for (long t = Resolution.MINUTE.bucketStart(from); t < to; t += minute) {
            if (t >= from) {
                add(out, Resolution.MINUTE, t, t + minute, m.contains(t));
            }
        }
    }

    private static void add(List<Run> out, Resolution r, long from, long to, boolean maintenance) {
        Run last = out.isEmpty() ? null : out.getLast();
        if (last != null && last.resolution() == r && last.maintenance() == maintenance && last.to() == from) {
            out.set(out.size() - 1, new Run(r, last.from(), to, maintenance));
        } else {
            out.add(new Run(r, from, to, maintenance));
        }
    }
}
