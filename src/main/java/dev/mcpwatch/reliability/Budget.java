package dev.mcpwatch.reliability;

import java.time.Duration;

/**
 * An SLO's error budget over its window: the bad events it allows ({@code (1 − target) × events}),
 * those spent, and what is left — in events (probes, or tool calls) and in minutes of the window
 * (the window's length × the share of bad events: 43.2 minutes of 30 days at 99.9 %). Consumed may
 * exceed the budget; remaining is then negative.
 */
public record Budget(Counts counts, double target, Duration window) {

    public Double attainment() {
        return counts.ratio();
    }

    /** Bad events the window allows. */
    public double allowedEvents() {
        return (1 - target) * counts.total();
    }

    public long consumedEvents() {
        return counts.bad();
    }

    public double remainingEvents() {
        return allowedEvents() - consumedEvents();
    }

    /** Share of the budget spent (1 = all of it), or null with no events. */
    public Double consumed() {
        return counts.total() == 0 ? null : counts.bad() / allowedEvents();
    }

    public Double remaining() {
        Double c = consumed();
        return c == null ? null : 1 - c;
    }

    public double allowedMinutes() {
        return (1 - target) * window.toMillis() / 60_000.0;
    }

    public Double consumedMinutes() {
        return counts.total() == 0 ? null : (double) counts.bad() / counts.total() * window.toMillis() / 60_000.0;
    }

    public Double remainingMinutes() {
        Double c = consumedMinutes();
        return c == null ? null : allowedMinutes() - c;
    }
}
