package dev.mcpwatch.canary;

import java.util.Arrays;

/**
 * The two exact tests the canary rules use, and a quantile. Exact rather than normal approximations
 * because a canary is judged on dozens of probes, not thousands: at those counts a z-test on
 * proportions is wrong exactly where it matters (zero errors on one side).
 */
final class Stats {
    private Stats() {}

    /**
     * Fisher's exact test, one-sided: the probability of seeing at least {@code aHits} of
     * {@code aN} in group a if hits fell on a and b alike (the hypergeometric upper tail with the
     * margins fixed). Small when group a has significantly more hits than group b.
     */
    static double fisherGreater(long aHits, long aN, long bHits, long bN) {
        check(aHits, aN);
        check(bHits, bN);
        long n = aN + bN;
        long hits = aHits + bHits;
        long max = Math.min(aN, hits);
        if (aN == 0 || hits == 0) {
            return 1.0;
        }
        long mode = (long) Math.floor((aN + 1.0) * (hits + 1.0) / (n + 2.0));
        double logDenominator = logChoose(n, aN);
        double p = 0;
        for (long x = aHits; x <= max; x++) {
            double term = Math.exp(logChoose(hits, x) + logChoose(n - hits, aN - x) - logDenominator);
            p += term;
            if (x > mode && term < p * 1e-17) {
                break; // past the mode the terms only shrink
            }
        }
        return Math.min(1.0, p);
    }

    /** P(X ≥ k) for X binomial with n trials of probability p. */
    static double binomialAtLeast(long n, long k, double p) {
        if (k <= 0) {
            return 1.0;
        }
        if (k > n) {
            return 0.0;
        }
        if (p <= 0) {
            return 0.0;
        }
        if (p >= 1) {
            return 1.0;
        }
        long mode = (long) Math.floor((n + 1) * p);
        double lp = Math.log(p);
        double lq = Math.log1p(-p);
        double sum = 0;
        for (long x = k; x <= n; x++) {
            double term = Math.exp(logChoose(n, x) + x * lp + (n - x) * lq);
            sum += term;
            if (x > mode && term < sum * 1e-17) {
                break;
            }
        }
        return Math.min(1.0, sum);
    }

    /**
     * The q-quantile by nearest rank (the smallest value with at least q of the values at or below
     * it): with fewer than 100 values the 0.99-quantile is the largest, which is what such a sample
     * can say about a p99, no more.
     */
    static double quantile(double[] values, double q) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double logChoose(long n, long k) {
        if (k < 0 || k > n) {
            return Double.NEGATIVE_INFINITY;
        }
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    private static final double[] SMALL_LOG_FACTORIALS = new double[256];

    static {
        for (int i = 1; i < SMALL_LOG_FACTORIALS.length; i++) {
            SMALL_LOG_FACTORIALS[i] = SMALL_LOG_FACTORIALS[i - 1] + Math.log(i);
        }
    }

    /** ln(n!): exact sums up to 255, Stirling's series beyond (relative error far below 1e-12 there). */
    static double logFactorial(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative factorial");
        }
        if (n < SMALL_LOG_FACTORIALS.length) {
            return SMALL_LOG_FACTORIALS[(int) n];
        }
        double x = n + 1.0; // ln Γ(x)
        double inv = 1.0 / x;
        double inv2 = inv * inv;
        return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI)
                + inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
    }

    private static void check(long hits, long n) {
        if (hits < 0 || n < 0 || hits > n) {
            throw new IllegalArgumentException(hits + " of " + n);
        }
    }
}
