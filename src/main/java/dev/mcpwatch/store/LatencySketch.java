package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A mergeable latency sketch (logarithmic buckets, as in DDSketch): every value lands in the
 * bucket {@code ceil(log_γ(ms))} with γ = (1+α)/(1−α), so any quantile read back is within α = 1%
 * of a true sample value, and sketches of minutes add up exactly to the sketch of the hour. A
 * monitor's latencies fall in a few dozen buckets, which is all that is stored.
 */
public final class LatencySketch {
    static final double ALPHA = 0.01;
    private static final double GAMMA = (1 + ALPHA) / (1 - ALPHA);
    private static final double LOG_GAMMA = Math.log(GAMMA);
    /** Values below this (in ms) share one bucket; nothing measured by a network probe is that fast. */
    private static final double MIN_MS = 0.001;

    private final TreeMap<Integer, Long> bins = new TreeMap<>();
    private long zero;
    private long count;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;

    public void add(double ms) {
        if (Double.isNaN(ms) || ms < 0) {
            return;
        }
        if (ms < MIN_MS) {
            zero++;
        } else {
            bins.merge((int) Math.ceil(Math.log(ms) / LOG_GAMMA), 1L, Long::sum);
        }
        count++;
        sum += ms;
        min = Math.min(min, ms);
        max = Math.max(max, ms);
    }

    public void merge(LatencySketch other) {
        other.bins.forEach((k, v) -> bins.merge(k, v, Long::sum));
        zero += other.zero;
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    public long count() {
        return count;
    }

    public Double mean() {
        return count == 0 ? null : sum / count;
    }

    /** The q-quantile (0 ≤ q ≤ 1) within 1% relative error, or null when empty. */
    public Double quantile(double q) {
        if (count == 0) {
            return null;
        }
        long rank = (long) Math.floor(q * (count - 1));
        long seen = zero;
        if (rank < seen) {
            return min;
        }
        for (Map.Entry<Integer, Long> bin : bins.entrySet()) {
            seen += bin.getValue();
            if (rank < seen) {
                double estimate = 2 * Math.pow(GAMMA, bin.getKey()) / (GAMMA + 1);
                return Math.max(min, Math.min(max, estimate));
            }
        }
        return max;
    }

    /**
     * How many values were under {@code ms}: a latency objective's good probes. A bucket counts when
     * its estimate (what {@link #quantile} would answer for it) is under the threshold, so a value
     * within 1 % of the threshold may be counted on either side of it.
     */
    public long countBelow(double ms) {
        if (count == 0) {
            return 0;
        }
        if (max < ms) {
            return count;
        }
        if (min >= ms) {
            return 0;
        }
        long below = zero;
        for (Map.Entry<Integer, Long> bin : bins.entrySet()) {
            double estimate = 2 * Math.pow(GAMMA, bin.getKey()) / (GAMMA + 1);
            if (estimate >= ms) {
                break;
            }
            below += bin.getValue();
        }
        return below;
    }

    long zero() {
        return zero;
    }

    double min() {
        return min;
    }

    double max() {
        return max;
    }

    double sum() {
        return sum;
    }

    /** The non-empty buckets by index, in order (read-only: for {@link PackedRollup}). */
    NavigableMap<Integer, Long> bins() {
        return Collections.unmodifiableNavigableMap(bins);
    }

    /** Sets what {@link PackedRollup} read back, bins apart ({@link #putBin}). */
    void restore(long count, long zero, double min, double max, double sum) {
        this.count = count;
        this.zero = zero;
        this.min = min;
        this.max = max;
        this.sum = sum;
    }

    void putBin(int index, long n) {
        bins.put(index, n);
    }

    /** The JSON form rollup rows had before V15 (read by that migration; tests write it as old rows). */
    public String toJson() {
        ObjectNode o = Json.object();
        o.put("n", count);
        if (count > 0) {
            o.put("z", zero);
            o.put("min", min);
            o.put("max", max);
            o.put("sum", sum);
            ObjectNode b = o.putObject("b");
            bins.forEach((k, v) -> b.put(Integer.toString(k), v));
        }
        return o.toString();
    }

    /** A sketch from its JSON form (rollup rows before V15). */
    public static LatencySketch fromJson(String json) {
        LatencySketch s = new LatencySketch();
        if (json == null || json.isEmpty()) {
            return s;
        }
        JsonNode o = Json.MAPPER.readTree(json);
        s.count = o.path("n").asLong(0);
        if (s.count > 0) {
            s.zero = o.path("z").asLong(0);
            s.min = o.path("min").asDouble();
            s.max = o.path("max").asDouble();
            s.sum = o.path("sum").asDouble();
            for (Map.Entry<String, JsonNode> e : o.path("b").properties()) {
                s.bins.put(Integer.parseInt(e.getKey()), e.getValue().asLong());
            }
        }
        return s;
    }
}
