package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mean, median and p90 of MTT* as the record states them: linear interpolation between closest ranks. */
class DurationStatsTest {

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        DurationStats s = DurationStats.of(List.of(400L, 100L, 300L, 200L));
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.meanMs()).isEqualTo(250.0);
        assertThat(s.medianMs()).isEqualTo(250.0);
        // rank 0.9 × 3 = 2.7: 300 + 0.7 × (400 − 300)
        assertThat(s.p90Ms()).isEqualTo(370.0);
    }

    @Test
    void oneIncidentIsItsOwnMeanMedianAndP90() {
        assertThat(DurationStats.of(List.of(90_000L))).isEqualTo(new DurationStats(1, 90_000.0, 90_000.0, 90_000.0));
    }

    @Test
    void noIncidentsMeansNoFiguresRatherThanZero() {
        assertThat(DurationStats.of(List.of())).isEqualTo(DurationStats.NONE);
        assertThat(DurationStats.NONE.meanMs()).isNull();
    }

    @Test
    void oneLongIncidentMovesTheMeanNotTheMedian() {
        DurationStats s = DurationStats.of(List.of(60_000L, 60_000L, 60_000L, 60_000L, 60_000L, 60_000L, 60_000L, 60_000L, 60_000L, 3_600_000L));
        assertThat(s.medianMs()).isEqualTo(60_000.0);
        assertThat(s.meanMs()).isEqualTo(414_000.0);
        // rank 8.1: 60,000 + 0.1 × 3,540,000
        assertThat(s.p90Ms()).isEqualTo(414_000.0);
    }
}
