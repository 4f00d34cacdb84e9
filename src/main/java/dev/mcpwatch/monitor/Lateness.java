package dev.mcpwatch.monitor;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * How late probes start against their planned time, over the last {@link #SIZE} probes: a fixed
 * ring of samples, so the figure reflects now and costs a constant 512 KB. Shown on /health; a
 * growing p99 means the node cannot keep up with its monitors.
 */
public final class Lateness {
    static final int SIZE = 65_536;

    /** Percentiles in milliseconds over the samples held. */
    public record Summary(long samples, Long p50, Long p99, Long max) {}

    private final long[] ring = new long[SIZE];
    private long count;
    private volatile LongConsumer listener = late -> { };

    /** Also tells {@code listener} of every sample (the metrics' histogram). */
    public void listen(LongConsumer listener) {
        this.listener = listener;
    }

    public void record(long lateMillis) {
        listener.accept(Math.max(0, lateMillis));
        keep(lateMillis);
    }

    private synchronized void keep(long lateMillis) {
        ring[(int) (count % SIZE)] = Math.max(0, lateMillis);
        count++;
    }

    public synchronized Summary summary() {
        int n = (int) Math.min(count, SIZE);
        if (n == 0) {
            return new Summary(0, null, null, null);
        }
        long[] sorted = Arrays.copyOf(ring, n);
        Arrays.sort(sorted);
        return new Summary(count, sorted[(int) Math.floor(0.50 * (n - 1))], sorted[(int) Math.floor(0.99 * (n - 1))], sorted[n - 1]);
    }
}
