package dev.mcpwatch.detect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The few statistics the rules use, written out so that each figure in a message can be checked by hand. */
final class Stats {
    private Stats() {}

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * The Mann–Kendall trend test on a series in time order: S counts rising pairs minus falling
     * pairs; under "no trend" S is about normal with the variance below (corrected for ties), so
     * z = (S − sign(S)) / √var. Rank-based, so one slow outlier hour weighs like any other hour.
     */
    record MannKendall(long s, double variance, double z) {

        static MannKendall of(List<Double> series) {
            int n = series.size();
            long s = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    s += Double.compare(series.get(j), series.get(i)) > 0 ? 1 : Double.compare(series.get(j), series.get(i)) < 0 ? -1 : 0;
                }
            }
            Map<Double, Integer> ties = new TreeMap<>();
            series.forEach(v -> ties.merge(v, 1, Integer::sum));
            double variance = n * (n - 1.0) * (2 * n + 5);
            for (int t : ties.values()) {
                variance -= t * (t - 1.0) * (2 * t + 5);
            }
            variance /= 18;
            double z = variance <= 0 ? 0 : (s - Math.signum(s)) / Math.sqrt(variance);
            return new MannKendall(s, variance, z);
        }

        /** The one-sided p-value of an upward trend. */
        double pUpward() {
            return 1 - normalCdf(z);
        }
    }

    /** Φ(x), from the complementary error function (Abramowitz & Stegun 7.1.26, error below 1.5e-7). */
    static double normalCdf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.sqrt(2));
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erfc = poly * Math.exp(-x * x / 2);
        return x >= 0 ? 1 - erfc / 2 : erfc / 2;
    }
}
