package dev.mcpwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The trend statistic, checked against figures worked out by hand. */
class StatsTest {

    @Test
    void aSteadilyRisingSeriesIsAStrongUpwardTrend() {
        // Ten rising values: all 45 pairs rise, S = 45; var = 10·9·25/18 = 125; z = 44/√125 = 3.94.
        Stats.MannKendall mk = Stats.MannKendall.of(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0));

        assertThat(mk.s()).isEqualTo(45);
        assertThat(mk.variance()).isEqualTo(125.0);
        assertThat(mk.z()).isCloseTo(3.935, within(0.001));
        assertThat(mk.pUpward()).isLessThan(0.0001);
    }

    @Test
    void tiesReduceTheVarianceAndAFlatSeriesHasNoTrend() {
        // Five equal values then five rising: S = 5·5 + 10 = 35; var = (10·9·25 − 5·4·15)/18 = 108.33.
        Stats.MannKendall mk = Stats.MannKendall.of(List.of(1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0));
        assertThat(mk.s()).isEqualTo(35);
        assertThat(mk.variance()).isCloseTo(108.33, within(0.01));

        Stats.MannKendall flat = Stats.MannKendall.of(List.of(5.0, 5.0, 5.0, 5.0));
        assertThat(flat.z()).isZero();
        assertThat(flat.pUpward()).isCloseTo(0.5, within(1e-7));
    }

    @Test
    void noiseWithoutDirectionIsNotATrend() {
        Stats.MannKendall mk = Stats.MannKendall.of(List.of(10.0, 12.0, 9.0, 11.0, 10.5, 9.5, 11.5, 10.0, 12.0, 9.0, 11.0, 10.0));

        assertThat(mk.pUpward()).isGreaterThan(0.1);
    }

    @Test
    void theNormalDistributionAtItsFamiliarPoints() {
        assertThat(Stats.normalCdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(Stats.normalCdf(1.959964)).isCloseTo(0.975, within(1e-6));
        assertThat(Stats.normalCdf(-2.326348)).isCloseTo(0.01, within(1e-6));
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(100.0, 112.0, 125.0, 140.0, 157.0, 176.0))).isEqualTo(132.5);
    }
}
