package dev.mcpwatch.reliability;

/** Good events of a service level indicator out of all its events (probes, or health calls of a tool). */
public record Counts(long good, long total) {
    public static final Counts NONE = new Counts(0, 0);

    public Counts {
        if (good < 0 || good > total) {
            throw new IllegalArgumentException("good events must be between 0 and the total: " + good + " of " + total);
        }
    }

    public long bad() {
        return total - good;
    }

    public Counts plus(Counts o) {
        return new Counts(good + o.good, total + o.total);
    }

    /** Share of good events, or null with no events. */
    public Double ratio() {
        return total == 0 ? null : (double) good / total;
    }
}
