package dev.mcpwatch.probe;

import java.time.Duration;

/**
 * The probe's overall deadline. Each step asks it for a {@link Budget}: the step's own limit, cut
 * short when the probe as a whole has less time left.
 */
final class Deadline {
    private final long startNanos;
    private final long totalNanos;

    Deadline(long startNanos, Duration total) {
        this.startNanos = startNanos;
        this.totalNanos = total.toNanos();
    }

    long remainingNanos() {
        return totalNanos - (System.nanoTime() - startNanos);
    }

    Budget budget(Duration stepLimit) {
        long remaining = remainingNanos();
        long step = stepLimit.toNanos();
        if (remaining <= step) {
            return new Budget(Math.max(1, remaining / 1_000_000), true, totalNanos / 1_000_000);
        }
        return new Budget(Math.max(1, step / 1_000_000), false, totalNanos / 1_000_000);
    }

    /** Time allowed for one step. {@code totalBound} says the probe deadline, not the step's, is the limit. */
    record Budget(long millis, boolean totalBound, long totalMillis) {

        ProbeFailure timeout(Phase phase) {
            String message = totalBound
                    ? "Probe deadline of " + totalMillis + " ms reached in " + phase.wireName()
                    : "Timeout after " + millis + " ms in " + phase.wireName();
            return new ProbeFailure(Reason.TIMEOUT, phase, message);
        }

        long endNanos(long fromNanos) {
            return fromNanos + millis * 1_000_000;
        }
    }
}
