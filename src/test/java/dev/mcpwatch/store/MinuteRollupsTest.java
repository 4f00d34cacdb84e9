package dev.mcpwatch.store;

import dev.mcpwatch.testkit.RollupRows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.Era;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.probe.Transport;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Databases.Kind;
import dev.mcpwatch.testkit.Results;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * Minute figures computed from raw results answer exactly as the minute rollup rows that every probe
 * used to add to: the same generated history (three monitors, a probe every 20 s at jittered offsets
 * for three hours, one in nine failed with one of two reasons) is recorded into two databases through
 * the real write path; one also gets the minute rows the old write path stored, the other none. Every
 * minute reader — window summaries, summaries of many monitors, chart buckets, the record's counts and
 * latency objectives, the oldest minute — is asked the same questions on both, over windows aligned
 * to the minute and not; then the second database stores its first hour of minutes and loses that
 * hour's raw results, as retention does when minute rollups outlive raw results, and still answers
 * the same.
 */
class MinuteRollupsTest {
    static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");
    static final long HOURS = 3;
    static final List<String> MONITORS = List.of("alpha", "beta", "gamma");

    static List<Kind> kinds() {
        return List.of(Kind.values());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void minutesFromRawResultsAnswerAsStoredMinuteRows(Kind kind) throws SQLException {
        try (Database stored = kind.open(); Database computed = kind.open()) {
            Map<String, List<ProbeResult>> history = history(new Random(17));
            record(stored, history);
            record(computed, history);
            stored.transaction(c -> {
                storeMinutesAsBefore(c, history);
                return null;
            });
            assertThat(Databases.count(stored, "SELECT COUNT(*) FROM rollup_minutes"))
                    .as("the old write path's minute rows").isGreaterThan(500);
            assertThat(Databases.count(computed, "SELECT COUNT(*) FROM rollup_minutes"))
                    .as("no minute row is stored while raw results cover it").isZero();

            assertSameAnswers(stored, computed);

            long hourLater = T0.toEpochMilli() + 3_600_000;
            int kept = computed.transaction(c -> new RollupStore(computed.dialect()).keepMinutes(c, hourLater));
            assertThat(kept).as("the first hour's minutes of three monitors").isEqualTo(3 * 60);
            computed.transaction(c -> Sql.update(c, "DELETE FROM probe_results WHERE started_at < ?", hourLater));
            long horizon = computed.read(RollupStore::rawHorizon);
            assertThat(horizon).isEqualTo(hourLater);

            assertSameAnswers(stored, computed);
        }
    }

    private static void assertSameAnswers(Database stored, Database computed) throws SQLException {
        Random random = new Random(3);
        long start = T0.toEpochMilli();
        long end = start + HOURS * 3_600_000;
        List<long[]> windows = new ArrayList<>(List.of(new long[] {start, end}, new long[] {start - 3_600_000, end + 60_000},
                new long[] {start + 3_600_000, start + 7_200_000}, new long[] {start + 59 * 60_000, start + 61 * 60_000}));
        for (int i = 0; i < 12; i++) {
            long a = start - 120_000 + (long) (random.nextDouble() * (end - start));
            windows.add(new long[] {a, a + 1 + (long) (random.nextDouble() * 5_400_000)});
        }
        RollupStore rollups = new RollupStore(stored.dialect());
        RecordStore record = new RecordStore();
        for (long[] w : windows) {
            String at = Instant.ofEpochMilli(w[0]) + "/" + Instant.ofEpochMilli(w[1]);
            for (String id : MONITORS) {
                assertThat(summary(computed, rollups, id, w)).as("summary of %s over %s", id, at).isEqualTo(summary(stored, rollups, id, w));
                List<List<Object>> after = chart(computed.read(c -> rollups.buckets(c, id, Resolution.MINUTE, w[0], w[1])));
                List<List<Object>> before = chart(stored.read(c -> rollups.buckets(c, id, Resolution.MINUTE, w[0], w[1])));
                assertThat(after).as("chart buckets of %s over %s", id, at).isEqualTo(before);
            }
            assertThat(summaries(computed, rollups, w)).as("summaries over %s", at).isEqualTo(summaries(stored, rollups, w));
            assertThat(counts(computed, record, w, MONITORS)).as("record counts over %s", at).isEqualTo(counts(stored, record, w, MONITORS));
            assertThat(counts(computed, record, w, null)).as("record counts of all over %s", at).isEqualTo(counts(stored, record, w, null));
            for (double threshold : new double[] {50, 120, 400}) {
                long[] after = computed.read(c -> record.latencyUnder(c, Resolution.MINUTE, w[0], w[1], MONITORS, threshold));
                long[] before = stored.read(c -> record.latencyUnder(c, Resolution.MINUTE, w[0], w[1], MONITORS, threshold));
                assertThat(after).as("latency objective under %s ms over %s", threshold, at).containsExactly(before);
            }
        }
        Long after = computed.read(record::oldestMinute);
        Long before = stored.read(record::oldestMinute);
        assertThat(after).isEqualTo(before).isEqualTo(start);
    }

    /** A summary as an operator sees it: counts, reasons, percentiles, mean, good events, phase means. */
    private static Map<String, Object> summary(Database db, RollupStore rollups, String id, long[] w) throws SQLException {
        RollupStore.Summary s = db.read(c -> rollups.summary(c, id, Resolution.MINUTE, w[0], w[1]));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("probes", s.probes());
        out.put("failures", s.failures());
        out.put("reasons", s.failuresByReason());
        out.put("availability", s.availability());
        out.put("p50", s.latency().quantile(0.5));
        out.put("p95", s.latency().quantile(0.95));
        out.put("p99", s.latency().quantile(0.99));
        out.put("mean", mean(s.latency()));
        out.put("under100", s.latency().countBelow(100));
        out.put("phases", nanos(s.phaseMeans()));
        return out;
    }

    /**
     * A mean to the nanosecond: stored rows keep their sum to the microsecond (as probes measure), a
     * sum made in memory adds doubles, so the two may differ in the last binary digits and no further.
     */
    private static String mean(LatencySketch latency) {
        return latency.mean() == null ? null : String.format(Locale.ROOT, "%.9f", latency.mean());
    }

    /** Phase means to the nanosecond, as {@link #mean}. */
    private static Map<String, String> nanos(Map<String, Double> means) {
        Map<String, String> out = new TreeMap<>();
        means.forEach((k, v) -> out.put(k, v == null ? null : String.format(Locale.ROOT, "%.9f", v)));
        return out;
    }

    /** Chart buckets as compared: everything exact but phase means, to the nanosecond. */
    private static List<List<Object>> chart(List<RollupStore.Bucket> buckets) {
        return buckets.stream().map(b -> List.<Object>of(b.start(), b.probes(), b.failures(), String.valueOf(b.p50()), String.valueOf(b.p95()),
                nanos(b.phaseMeans()))).toList();
    }

    private static Map<String, List<Object>> summaries(Database db, RollupStore rollups, long[] w) throws SQLException {
        Map<String, List<Object>> out = new TreeMap<>();
        db.read(c -> rollups.summaries(c, MONITORS, Resolution.MINUTE, w[0], w[1])).forEach((id, s) -> out.put(id,
                List.of(s.probes(), s.failures(), String.valueOf(s.latency().quantile(0.95)), String.valueOf(mean(s.latency())))));
        return out;
    }

    private static Map<String, List<Long>> counts(Database db, RecordStore record, long[] w, List<String> only) throws SQLException {
        // the record asks for whole minutes
        long from = Resolution.MINUTE.bucketStart(w[0]);
        long to = Resolution.MINUTE.bucketStart(w[1]);
        Map<String, List<Long>> out = new TreeMap<>();
        db.read(c -> record.counts(c, Resolution.MINUTE, from, to, only)).forEach((id, n) -> out.put(id, List.of(n[0], n[1])));
        return out;
    }

    /** Each monitor probed every 20 s (± 5 s) for three hours; timings in whole microseconds, as a probe measures them. */
    private static Map<String, List<ProbeResult>> history(Random random) {
        Map<String, List<ProbeResult>> out = new LinkedHashMap<>();
        for (String id : MONITORS) {
            List<ProbeResult> probes = new ArrayList<>();
            double scale = 20 + 60 * random.nextDouble();
            for (long t = 0; t < HOURS * 3_600_000; t += 20_000) {
                Instant start = T0.plusMillis(t + 5_000 + random.nextInt(10_000));
                probes.add(random.nextInt(9) == 0 ? failed(start, random) : healthy(start, scale, random));
            }
            out.put(id, probes);
        }
        return out;
    }

    private static double us(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    private static ProbeResult healthy(Instant start, double scale, Random random) {
        double connect = us(scale * 0.1 * (0.5 + random.nextDouble()));
        double init = us(scale * (0.5 + random.nextDouble()));
        double list = us(scale * 0.4 * (0.5 + 2 * random.nextDouble()));
        List<PhaseTiming> timings = List.of(PhaseTiming.network(Phase.CONNECT, 0, connect),
                new PhaseTiming(Phase.INITIALIZE, connect, init, us(init * 0.8), 200, "json", null),
                new PhaseTiming(Phase.TOOLS_LIST, us(connect + init), list, us(list * 0.7), 200, "json", null));
        ObjectNode capabilities = Json.object();
        capabilities.putObject("tools").put("listChanged", true);
        return new ProbeResult(Results.TARGET, Transport.STREAMABLE_HTTP, start, true, null, us(connect + init + list), timings, Era.LEGACY,
                true, "2025-11-25", "127.0.0.1:9", null, new ServerInfo("fixture", null, "1.0.0"), capabilities, true,
                Results.tools("echo", "add"), null, null, List.of());
    }

    private static ProbeResult failed(Instant start, Random random) {
        boolean refused = random.nextBoolean();
        Failure failure = refused ? new Failure(Reason.CONNECTION_REFUSED, Phase.CONNECT, "Connection refused to 127.0.0.1:9")
                : new Failure(Reason.HTTP_ERROR, Phase.INITIALIZE, "HTTP 502");
        double took = us(1 + 30 * random.nextDouble());
        return new ProbeResult(Results.TARGET, Transport.STREAMABLE_HTTP, start, false, failure, took,
                List.of(PhaseTiming.network(Phase.CONNECT, 0, took)), null, false, null, null, null, null, null, false, null, null, null,
                List.of());
    }

    private static void record(Database db, Map<String, List<ProbeResult>> history) {
        ResultRecorder recorder = Results.recorder(db, "default", 1_000);
        history.forEach((id, probes) -> {
            MonitorConfig monitor = Results.monitor(id);
            for (ProbeResult r : probes) {
                assertThat(recorder.record(monitor, r, r.startedAt().toEpochMilli() + (long) r.totalMs())).isNotNull();
            }
        });
    }

    /**
     * The minute rows the write path stored before minutes were computed: per monitor and minute, the
     * probes added one by one in the order they were recorded (counts, failures by reason, the healthy
     * totals in a sketch, per-phase sums of the healthy probes), written as the old rows were.
     */
    private static void storeMinutesAsBefore(Connection c, Map<String, List<ProbeResult>> history) throws SQLException {
        for (var e : history.entrySet()) {
            Map<Long, List<ProbeResult>> byMinute = new TreeMap<>();
            e.getValue().forEach(r -> byMinute.computeIfAbsent(Resolution.MINUTE.bucketStart(r.startedAt().toEpochMilli()),
                    k -> new ArrayList<>()).add(r));
            for (var m : byMinute.entrySet()) {
                long probes = 0;
                long failures = 0;
                Map<String, Long> reasons = new TreeMap<>();
                LatencySketch latency = new LatencySketch();
                Map<String, double[]> phases = new TreeMap<>();
                for (ProbeResult r : m.getValue()) {
                    probes++;
                    if (!r.healthy()) {
                        failures++;
                        reasons.merge(r.failure().reason().wireName(), 1L, Long::sum);
                    } else {
                        latency.add(r.totalMs());
                        for (PhaseTiming t : r.timings()) {
                            double[] sum = phases.computeIfAbsent(t.phase().wireName(), k -> new double[2]);
                            sum[0]++;
                            sum[1] += t.durationMs();
                        }
                    }
                }
                RollupRows.write(c, e.getKey(), "default", Resolution.MINUTE, m.getKey(), probes, failures,
                        PackedRollup.pack(reasons, latency, phases));
            }
        }
    }
}
