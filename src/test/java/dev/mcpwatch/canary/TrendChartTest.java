package dev.mcpwatch.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The canary page's charts as numbers: both sides on one scale, gaps where a side had nothing, a title per point. */
class TrendChartTest {
    private static final long T0 = 1_795_000_000_000L;

    @Test
    void bothSidesShareOneScaleFromZeroToANiceCeiling() {
        TrendChart c = TrendChart.of("Error rate", List.of(new TrendChart.Point(T0, 0.0, 0.1), new TrendChart.Point(T0 + 60_000, 0.02, 0.4)),
                T0, T0 + 60_000, v -> String.format(java.util.Locale.ROOT, "%.0f %%", v * 100));

        assertThat(c.ticks()).extracting(TrendChart.Tick::label).containsExactly("0 %", "13 %", "25 %", "38 %", "50 %");
        assertThat(c.stableLines()).containsExactly("56.0,140.0 716.0,134.8");
        assertThat(c.canaryLines()).containsExactly("56.0,114.0 716.0,36.0");
        assertThat(c.dots()).hasSize(4).anySatisfy(d -> assertThat(d.title()).isEqualTo("canary 40 % at 2026-11-18 11:07:40 UTC"));
        assertThat(c.summary()).isEqualTo("Error rate, 2 points; latest: stable 2 %, canary 40 %.");
    }

    @Test
    void aSideWithoutAValueBreaksItsLine() {
        TrendChart c = TrendChart.of("p99", List.of(new TrendChart.Point(T0, 10.0, 10.0), new TrendChart.Point(T0 + 1, 10.0, null),
                new TrendChart.Point(T0 + 2, 10.0, 12.0)), T0, T0 + 2, v -> v + " ms");

        assertThat(c.stableLines()).hasSize(1);
        assertThat(c.canaryLines()).hasSize(2);
    }

    @Test
    void nothingMeasuredSaysSo() {
        assertThat(TrendChart.of("p99", List.of(), T0, T0 + 1, v -> v + " ms").summary()).isEqualTo("Nothing measured yet.");
    }
}
