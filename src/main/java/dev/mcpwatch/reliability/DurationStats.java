package dev.mcpwatch.reliability;

import java.util.List;

/**
 * Mean, median and 90th percentile of some incidents' durations (MTTD, MTTA or MTTR), with how many
 * incidents they are made of. Percentiles interpolate linearly between the closest ranks (as a
 * spreadsheet's PERCENTILE.INC does), so the median of an even count is the mean of the middle two.
 * Empty when no incident had the duration: the figures are then null, never zero. Figures are
 * rounded to the microsecond, so that 0.9 × 9 ranks land where arithmetic says, not a float's width off.
 */
public record DurationStats(int count, Double meanMs, Double medianMs, Double p90Ms) {
    public static final DurationStats NONE = new DurationStats(0, null, null, null);

    public static DurationStats of(List<Long> durationsMs) {
        if (durationsMs.isEmpty()) {
            return NONE;
        }
        long[] sorted = durationsMs.stream().mapToLong(Long::longValue).sorted().toArray();
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return new DurationStats(sorted.length, round(sum / sorted.length), round(percentile(sorted, 0.5)), round(percentile(sorted, 0.9)));
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    static double percentile(long[] sorted, double q) {
        double rank = q * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
