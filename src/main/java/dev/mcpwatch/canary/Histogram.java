package dev.mcpwatch.canary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A Prometheus histogram's cumulative buckets over a window (calls at or below each bound, in
 * seconds; the last bound is +Inf). A quantile from buckets is known only to lie within one
 * bucket: {@link #quantileBounds} says which, {@link #estimate} interpolates inside it the way
 * PromQL's {@code histogram_quantile} does.
 */
public record Histogram(List<Bucket> buckets) {

    /** Calls that took at most {@code le} seconds. */
    public record Bucket(double le, double cumulative) {}

    public Histogram {
        List<Bucket> sorted = new ArrayList<>(buckets);
        sorted.sort(Comparator.comparingDouble(Bucket::le));
        // Counters from separate series can be a hair out of step; cumulative counts never fall.
        List<Bucket> monotone = new ArrayList<>(sorted.size());
        double max = 0;
        for (Bucket b : sorted) {
            max = Math.max(max, b.cumulative());
            monotone.add(new Bucket(b.le(), max));
        }
        buckets = List.copyOf(monotone);
    }

    public double total() {
        return buckets.isEmpty() ? 0 : buckets.getLast().cumulative();
    }

    /** The bucket the q-quantile lies in, as {lower, upper} seconds (upper may be +Inf), or null without calls. */
    public double[] quantileBounds(double q) {
        double rank = q * total();
        double lower = 0;
        for (Bucket b : buckets) {
            if (b.cumulative() >= rank && b.cumulative() > 0) {
                return new double[] {lower, b.le()};
            }
            lower = b.le();
        }
        return null;
    }

    /** The q-quantile interpolated within its bucket (histogram_quantile's estimate), in seconds, or null. */
    public Double estimate(double q) {
        double total = total();
        if (total <= 0) {
            return null;
        }
        double rank = q * total;
        double lower = 0;
        double below = 0;
        for (Bucket b : buckets) {
            if (b.cumulative() >= rank) {
                if (Double.isInfinite(b.le())) {
                    return lower; // as histogram_quantile: the highest finite bound
                }
                double inBucket = b.cumulative() - below;
                return inBucket <= 0 ? b.le() : lower + (b.le() - lower) * (rank - below) / inBucket;
            }
            lower = b.le();
            below = b.cumulative();
        }
        return null;
    }

    /**
     * Calls certainly slower than {@code seconds}: those above the smallest bound at or over it. Null
     * when no finite bound reaches that far (the buckets cannot tell).
     */
    public Double countAbove(double seconds) {
        for (Bucket b : buckets) {
            if (b.le() >= seconds && !Double.isInfinite(b.le())) {
                return total() - b.cumulative();
            }
        }
        return null;
    }
}
