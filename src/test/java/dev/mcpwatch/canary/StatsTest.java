package dev.mcpwatch.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/**
 * The canary's tests against exact arithmetic: every p-value is compared with the same sum done in
 * whole numbers (BigInteger binomial coefficients), so the floating-point shortcuts cannot drift.
 */
class StatsTest {

    @Test
    void fishersTestMatchesTheExactHypergeometricTail() {
        long[][] cases = {{7, 30, 0, 30}, {10, 30, 0, 30}, {3, 30, 1, 30}, {0, 30, 0, 30}, {30, 30, 0, 30}, {5, 12, 2, 40}, {40, 200, 12, 180}};
        for (long[] c : cases) {
            double exact = exactFisher(c[0], c[1], c[2], c[3]);
            assertThat(Stats.fisherGreater(c[0], c[1], c[2], c[3])).as("%s", java.util.Arrays.toString(c))
                    .isCloseTo(exact, within(Math.max(1e-15, exact * 1e-9)));
        }
    }

    @Test
    void fishersTestKnowsTheTextbookFigures() {
        // No failures on the stable, all 30 on the canary: one arrangement in C(60,30).
        assertThat(Stats.fisherGreater(30, 30, 0, 30)).isCloseTo(1 / 118264581564861424.0, within(1e-25));
        // As many failures on each side: no evidence at all.
        assertThat(Stats.fisherGreater(3, 30, 3, 30)).isGreaterThan(0.5);
        assertThat(Stats.fisherGreater(0, 30, 0, 30)).isEqualTo(1.0);
    }

    @Test
    void fishersTestStaysExactAtTrafficScale() {
        // Real traffic: thousands of calls. Checked against the exact sum at a size BigInteger still does quickly.
        double exact = exactFisher(130, 2000, 90, 2000);
        assertThat(Stats.fisherGreater(130, 2000, 90, 2000)).isCloseTo(exact, within(exact * 1e-9));
        double huge = Stats.fisherGreater(6_000, 1_000_000, 5_000, 1_000_000);
        assertThat(huge).isBetween(0.0, 1e-15);
    }

    @Test
    void theBinomialTailMatchesTheExactSum() {
        assertThat(Stats.binomialAtLeast(30, 2, 0.01)).isCloseTo(exactBinomial(30, 2, "0.01"), within(1e-15));
        assertThat(Stats.binomialAtLeast(30, 4, 0.01)).isCloseTo(exactBinomial(30, 4, "0.01"), within(1e-17));
        assertThat(Stats.binomialAtLeast(60, 1, 0.001)).isCloseTo(exactBinomial(60, 1, "0.001"), within(1e-15));
        assertThat(Stats.binomialAtLeast(1, 1, 0.001)).isCloseTo(0.001, within(1e-15));
        assertThat(Stats.binomialAtLeast(30, 0, 0.01)).isEqualTo(1.0);
        assertThat(Stats.binomialAtLeast(30, 31, 0.01)).isEqualTo(0.0);
    }

    @Test
    void theQuantileIsTheNearestRank() {
        double[] thirty = new double[30];
        for (int i = 0; i < 30; i++) {
            thirty[i] = 30 - i; // unsorted on purpose
        }
        assertThat(Stats.quantile(thirty, 0.99)).as("below 100 values the p99 is the largest").isEqualTo(30);
        assertThat(Stats.quantile(thirty, 0.5)).isEqualTo(15);
        double[] thousand = new double[1000];
        for (int i = 0; i < 1000; i++) {
            thousand[i] = i + 1;
        }
        assertThat(Stats.quantile(thousand, 0.99)).isEqualTo(990);
    }

    @Test
    void logFactorialsAreExactWhereTheyAreSummedAndCloseBeyond() {
        assertThat(Stats.logFactorial(10)).isCloseTo(Math.log(3628800), within(1e-12));
        BigInteger f = BigInteger.ONE;
        for (int i = 2; i <= 300; i++) {
            f = f.multiply(BigInteger.valueOf(i));
        }
        assertThat(Stats.logFactorial(300)).isCloseTo(lnOf(f), within(1e-9));
    }

    // ---- exact references ------------------------------------------------------------------

    private static double exactFisher(long aHits, long aN, long bHits, long bN) {
        long n = aN + bN;
        long hits = aHits + bHits;
        BigInteger num = BigInteger.ZERO;
        for (long x = aHits; x <= Math.min(aN, hits); x++) {
            num = num.add(choose(hits, x).multiply(choose(n - hits, aN - x)));
        }
        return new BigDecimal(num).divide(new BigDecimal(choose(n, aN)), MathContext.DECIMAL128).doubleValue();
    }

    private static double exactBinomial(int n, int k, String p) {
        BigDecimal pp = new BigDecimal(p);
        BigDecimal q = BigDecimal.ONE.subtract(pp);
        BigDecimal sum = BigDecimal.ZERO;
        for (int x = k; x <= n; x++) {
            sum = sum.add(new BigDecimal(choose(n, x)).multiply(pp.pow(x)).multiply(q.pow(n - x)));
        }
        return sum.doubleValue();
    }

    private static BigInteger choose(long n, long k) {
        if (k < 0 || k > n) {
            return BigInteger.ZERO;
        }
        BigInteger r = BigInteger.ONE;
        for (long i = 0; i < k; i++) {
            r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return r;
    }

    private static double lnOf(BigInteger v) {
        int shift = Math.max(0, v.bitLength() - 60);
        return Math.log(v.shiftRight(shift).doubleValue()) + shift * Math.log(2);
    }
}
