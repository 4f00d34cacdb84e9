package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A rollup row's figures read back from their packed bytes as they were written: every count, every
 * sketch bucket (so every quantile), minimum, maximum and sums to the microsecond, reasons and phases
 * by name, also names the format has no code for; and the bytes are few.
 */
class PackedRollupTest {
    private static final double[] QUANTILES = {0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1};

    @Test
    void anEmptyRowReadsBackEmpty() {
        byte[] bytes = PackedRollup.pack(Map.of(), new LatencySketch(), Map.of());

        PackedRollup.Figures read = PackedRollup.unpack(bytes);
        assertThat(read.latency().count()).isZero();
        assertThat(read.latency().quantile(0.5)).isNull();
        assertThat(read.latency().mean()).isNull();
        assertThat(read.failuresByReason()).isEmpty();
        assertThat(read.phases()).isEmpty();
        assertThat(bytes).as("version, no latency, no reasons, no phases").hasSize(4);
    }

    @Test
    void oneValueReadsBackAsItself() {
        LatencySketch one = new LatencySketch();
        one.add(87.654);

        LatencySketch read = roundTrip(one, Map.of(), Map.of("connect", new double[] {1, 87.654}));

        assertThat(read.count()).isEqualTo(1);
        assertThat(read.quantile(0)).isEqualTo(87.654);
        assertThat(read.quantile(1)).isEqualTo(87.654);
        assertThat(read.mean()).isEqualTo(87.654);
    }

    @Test
    void aRealisticHourKeepsEveryBucketAndEveryQuantile() {
        Random random = new Random(3);
        LatencySketch hour = new LatencySketch();
        for (int i = 0; i < 60; i++) {
            hour.add(micros(Math.exp(Math.log(120) + 0.15 * random.nextGaussian())));
        }
        hour.add(0.0); // the zero bucket
        hour.add(0.0004);

        Map<String, double[]> phases = new TreeMap<>(Map.of("connect", new double[] {60, 301.417}, "initialize", new double[] {60, 4_215.003},
                "tools_list", new double[] {59, 2_999.999}));
        byte[] bytes = PackedRollup.pack(Map.of("timeout", 2L, "http_error", 1L), hour, phases);
        PackedRollup.Figures read = PackedRollup.unpack(bytes);

        assertSameSketch(read.latency(), hour);
        assertThat(read.failuresByReason()).containsExactly(Map.entry("http_error", 1L), Map.entry("timeout", 2L));
        assertThat(read.phases().keySet()).containsExactly("connect", "initialize", "tools_list");
        assertSamePhases(read.phases(), phases);
        assertThat(bytes.length).as("an hour of a monitor's probes, was ~700 bytes of JSON").isLessThan(100);
    }

    @Test
    void hugeAndTinyLatenciesFarApartReadBackAndTakeTheSparseLayout() {
        LatencySketch spread = new LatencySketch();
        for (double ms : new double[] {0.002, 0.5, 3, 3, 90_000, 3_600_000, 86_400_000_000.0}) {
            spread.add(ms);
        }

        byte[] bytes = PackedRollup.pack(Map.of(), spread, Map.of());
        LatencySketch read = PackedRollup.latency(bytes);

        assertSameSketch(read, spread);
        assertThat(read.quantile(1)).isEqualTo(86_400_000_000.0);
        // one count per index from 0.002 ms to a day would be ~1,700 bytes
        assertThat(bytes.length).isLessThan(60);
    }

    @Test
    void eachSketchTakesTheSmallerBinLayout() {
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            LatencySketch s = new LatencySketch();
            int n = 1 + random.nextInt(1_440);
            double sigma = 0.02 + random.nextDouble() * 1.5;
            for (int i = 0; i < n; i++) {
                s.add(micros(Math.exp(Math.log(80) + sigma * random.nextGaussian())));
            }
            var bins = s.bins();
            long span = (long) bins.lastKey() - bins.firstKey() + 1;
            int smaller = Math.min(PackedRollup.sparseSize(bins), PackedRollup.contiguousSize(bins, bins.firstKey(), span));
            byte[] bytes = PackedRollup.pack(Map.of(), s, Map.of());
            byte[] withoutBins = PackedRollup.pack(Map.of(), sketchOfSummaryOnly(s), Map.of());

            assertSameSketch(PackedRollup.latency(bytes), s);
            // header and first index take 1–3 bytes beside the bins
            assertThat(bytes.length - withoutBins.length).as("trial %d", trial).isBetween(smaller + 1, smaller + 4);
        }
    }

    @Test
    void manyReasonsAndNamesWithoutACodeReadBackByName() {
        Map<String, Long> reasons = new LinkedHashMap<>();
        long n = 1;
        for (Reason r : Reason.values()) {
            reasons.put(r.wireName(), n);
            n *= 3; // counts of every size, up to 3^26
        }
        reasons.put("some_reason_from_a_newer_version", 5L);
        reasons.put("ünïcode", 1L);
        Map<String, double[]> phases = new TreeMap<>();
        for (Phase p : Phase.values()) {
            phases.put(p.wireName(), new double[] {1_440, 1_440 * 12.345});
        }
        phases.put("handshake_v9", new double[] {2, 0.004});

        PackedRollup.Figures read = PackedRollup.unpack(PackedRollup.pack(reasons, new LatencySketch(), phases));

        assertThat(read.failuresByReason()).isEqualTo(new TreeMap<>(reasons));
        assertSamePhases(read.phases(), phases);
    }

    @Test
    void everyReasonAndPhaseOfTodayHasACode() {
        assertThat(PackedRollup.REASONS).containsAll(Arrays.stream(Reason.values()).map(Reason::wireName).toList());
        assertThat(PackedRollup.PHASES).containsAll(Arrays.stream(Phase.values()).map(Phase::wireName).toList());
    }

    @Test
    void bytesThatAreNotAPackedRowAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> PackedRollup.unpack("{\"n\":0}".getBytes())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
        byte[] whole = PackedRollup.pack(Map.of("timeout", 1L), new LatencySketch(), Map.of());
        assertThatThrownBy(() -> PackedRollup.unpack(Arrays.copyOf(whole, whole.length - 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ends early");
    }

    private static LatencySketch roundTrip(LatencySketch s, Map<String, Long> reasons, Map<String, double[]> phases) {
        PackedRollup.Figures read = PackedRollup.unpack(PackedRollup.pack(reasons, s, phases));
        assertSameSketch(read.latency(), s);
        assertThat(read.failuresByReason()).isEqualTo(reasons);
        return read.latency();
    }

    /** The same sketch: buckets, counts, extremes, sum, and so every quantile. */
    private static void assertSameSketch(LatencySketch read, LatencySketch written) {
        assertThat(read.bins()).isEqualTo(written.bins());
        assertThat(read.count()).isEqualTo(written.count());
        assertThat(read.zero()).isEqualTo(written.zero());
        assertThat(read.min()).isEqualTo(written.min());
        assertThat(read.max()).isEqualTo(written.max());
        assertThat(read.sum()).isCloseTo(written.sum(), within(5e-4));
        for (double q : QUANTILES) {
            assertThat(read.quantile(q)).as("q=%s", q).isEqualTo(written.quantile(q));
        }
        for (double ms : new double[] {1, 50, 100, 120, 150, 1_000}) {
            assertThat(read.countBelow(ms)).as("under %s ms", ms).isEqualTo(written.countBelow(ms));
        }
    }

    /** Counts exact, sums to the microsecond they were measured to. */
    private static void assertSamePhases(Map<String, double[]> read, Map<String, double[]> written) {
        assertThat(read.keySet()).isEqualTo(written.keySet());
        written.forEach((k, v) -> {
            assertThat(read.get(k)[0]).as(k).isEqualTo(v[0]);
            assertThat(read.get(k)[1]).as(k).isCloseTo(v[1], within(1e-9));
        });
    }

    private static LatencySketch sketchOfSummaryOnly(LatencySketch s) {
        LatencySketch out = new LatencySketch();
        out.restore(s.count(), s.zero(), s.min(), s.max(), s.sum());
        return out;
    }

    /** To the microsecond, as a probe measures. */
    private static double micros(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
