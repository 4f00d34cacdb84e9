package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.mcpwatch.probe.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The latency sketch behind every percentile mcpwatch shows: quantiles within 1% of the true sample
 * value, and sketches that merge exactly, so a day's p95 made of 1,440 minute buckets is the p95 of
 * the day.
 */
class LatencySketchTest {
    private static final double[] QUANTILES = {0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1};

    @Test
    void quantilesAreWithinOnePercentOfTheExactQuantile() {
        Random random = new Random(42);
        List<Double> values = new ArrayList<>();
        LatencySketch sketch = new LatencySketch();
        for (int i = 0; i < 100_000; i++) {
            // Log-normal around 80 ms with a long tail, the shape of real probe latencies.
            double ms = Math.exp(Math.log(80) + 0.8 * random.nextGaussian());
            values.add(ms);
            sketch.add(ms);
        }

        for (double q : QUANTILES) {
            assertThat(sketch.quantile(q)).as("q=%s", q)
                    .isCloseTo(StorageTest.exactQuantile(values, q), withinPercentage(LatencySketch.ALPHA * 100));
        }
        assertThat(sketch.count()).isEqualTo(values.size());
        assertThat(sketch.mean()).isCloseTo(values.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), offset(1e-6));
    }

    @Test
    void quantilesStayWithinOnePercentAcrossSixOrdersOfMagnitude() {
        Random random = new Random(7);
        List<Double> values = new ArrayList<>();
        LatencySketch sketch = new LatencySketch();
        for (int i = 0; i < 20_000; i++) {
            double ms = Math.pow(10, -2 + 6 * random.nextDouble()); // 0.01 ms … 10 s
            values.add(ms);
            sketch.add(ms);
        }

        for (double q : QUANTILES) {
            assertThat(sketch.quantile(q)).as("q=%s", q)
                    .isCloseTo(StorageTest.exactQuantile(values, q), withinPercentage(LatencySketch.ALPHA * 100));
        }
    }

    @Test
    void mergingPartsGivesTheSketchOfTheWhole() {
        Random random = new Random(1234);
        LatencySketch whole = new LatencySketch();
        List<LatencySketch> parts = new ArrayList<>();
        for (int p = 0; p < 60; p++) {
            LatencySketch part = new LatencySketch();
            int n = random.nextInt(50); // some minutes see no healthy probe at all
            for (int i = 0; i < n; i++) {
                double ms = 5 + random.nextDouble() * (p % 10 == 0 ? 5_000 : 200);
                part.add(ms);
                whole.add(ms);
            }
            parts.add(part);
        }

        LatencySketch merged = new LatencySketch();
        parts.forEach(merged::merge);

        assertThat(merged.count()).isEqualTo(whole.count());
        for (double q = 0; q <= 1.0; q += 0.01) {
            assertThat(merged.quantile(q)).as("q=%s", q).isEqualTo(whole.quantile(q));
        }
        assertThat(merged.mean()).isCloseTo(whole.mean(), offset(1e-9));
        assertThat(bins(merged)).isEqualTo(bins(whole));
    }

    @Test
    void aSketchSurvivesItsJsonFormUnchanged() {
        LatencySketch sketch = new LatencySketch();
        for (double ms : new double[] {0.0, 0.5, 12.25, 12.3, 480, 9_999.9}) {
            sketch.add(ms);
        }

        LatencySketch read = LatencySketch.fromJson(sketch.toJson());

        assertThat(read.toJson()).isEqualTo(sketch.toJson());
        for (double q : QUANTILES) {
            assertThat(read.quantile(q)).as("q=%s", q).isEqualTo(sketch.quantile(q));
        }
        assertThat(read.quantile(0)).as("a zero latency is kept as zero").isEqualTo(0.0);
        assertThat(read.quantile(1)).isCloseTo(9_999.9, withinPercentage(1));
    }

    @Test
    void anEmptySketchHasNoQuantileAndMergesAsNothing() {
        LatencySketch empty = new LatencySketch();
        assertThat(empty.quantile(0.5)).isNull();
        assertThat(empty.mean()).isNull();
        assertThat(LatencySketch.fromJson(empty.toJson()).count()).isZero();

        LatencySketch one = new LatencySketch();
        one.add(100);
        one.merge(empty);
        one.merge(LatencySketch.fromJson(empty.toJson()));
        assertThat(one.count()).isEqualTo(1);
        assertThat(one.quantile(0.5)).isEqualTo(100.0);
    }

    private static String bins(LatencySketch s) {
        return Json.MAPPER.readTree(s.toJson()).path("b").toString();
    }

    @Test
    void countBelowAThresholdIsExactAwayFromItAndWithinOnePercentNearIt() {
        LatencySketch sketch = new LatencySketch();
        for (int i = 1; i <= 1_000; i++) {
            sketch.add(i);
        }
        assertThat(sketch.countBelow(0.5)).isZero();
        assertThat(sketch.countBelow(2_000)).isEqualTo(1_000);
        // 799 values are under 800 ms; values within 1 % of it may fall on either side
        assertThat(sketch.countBelow(800)).isBetween(792L, 807L);
        LatencySketch merged = LatencySketch.fromJson(sketch.toJson());
        merged.merge(LatencySketch.fromJson(sketch.toJson()));
        assertThat(merged.countBelow(800)).isEqualTo(2 * sketch.countBelow(800));
    }
}
