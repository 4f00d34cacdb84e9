package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * V15 packs the rollup rows of a database written before it: hour and day rows stored as the previous
 * write path stored them (three JSON texts each, a reason name no version knows among them) are
 * converted, and every rollup reader — window summaries, summaries of many monitors, day counts,
 * chart buckets, the record's counts and latency objectives — answers exactly as those rows did:
 * the same counts, reasons, quantiles (the sketch's buckets are the same), means to the last digits.
 * Probes added after the upgrade to copies of the same monitors read back the same as the converted
 * rows.
 */
class BinaryRollupsMigrationTest {
    static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
    static final List<String> MONITORS = List.of("api", "search");
    static final double[] QUANTILES = {0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1};
    static final String OLD_REASON = "a_reason_no_longer_known";

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void jsonRollupsAreConvertedAndEveryReaderAnswersAsBefore(Dialect dialect) throws SQLException {
        Databases.Empty empty = Databases.empty(dialect);
        String url = empty.url();
        String user = empty.user();
        Database.migrations(dialect).dataSource(url, user, null)
                .target("13").load().migrate();
        Map<String, List<ProbeResult>> history = history(new Random(15));
        Map<String, Map<Resolution, TreeMap<Long, Old>>> old = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, user, null)) {
            for (var e : history.entrySet()) {
                old.put(e.getKey(), writeAsBefore(c, e.getKey(), e.getValue()));
            }
        }

        try (Database db = Database.open(new StorageSettings(url, user, null, StorageSettings.DEFAULT.rawRetention(),
                StorageSettings.DEFAULT.rollupRetention(), 1_000))) {
            RollupStore rollups = new RollupStore(db.dialect());
            for (var e : history.entrySet()) {
                for (ProbeResult r : e.getValue()) {
                    db.transaction(c -> {
                        rollups.add(c, e.getKey() + "-new", "default", r);
                        return null;
                    });
                }
            }
            long end = T0.plusSeconds(2 * 86_400).toEpochMilli();
            long[][] windows = {{0, Long.MAX_VALUE}, {T0.toEpochMilli(), end}, {T0.plusSeconds(5 * 3_600 + 1_800).toEpochMilli(),
                    T0.plusSeconds(30 * 3_600 + 60).toEpochMilli()}, {T0.plusSeconds(86_400).toEpochMilli(), end}};
            for (String id : MONITORS) {
                for (Resolution res : List.of(Resolution.HOUR, Resolution.DAY)) {
                    for (long[] w : windows) {
                        String as = id + " " + res + " [" + w[0] + ", " + w[1] + ")";
                        RollupStore.Summary expected = expected(old.get(id).get(res), res.bucketStart(w[0]), w[1]);
                        assertSame(db.read(c -> rollups.summary(c, id, res, w[0], w[1])), expected, as);
                        assertSame(db.read(c -> rollups.summary(c, id + "-new", res, w[0], w[1])), expected, as + " added after");
                        RollupStore.Summary many = db.read(c -> rollups.summaries(c, MONITORS, res, w[0], w[1])).get(id);
                        assertThat(many.probes()).as(as).isEqualTo(expected.probes());
                        assertThat(many.failures()).as(as).isEqualTo(expected.failures());
                        assertSameLatency(many.latency(), expected.latency(), as + " of many");
                        long[] under = db.read(c -> new RecordStore().latencyUnder(c, res, res.bucketStart(w[0]), w[1], List.of(id), 100));
                        assertThat(under).as(as).containsExactly(expected.latency().countBelow(100), expected.latency().count());
                        long[] counts = db.read(c -> new RecordStore().counts(c, res, res.bucketStart(w[0]), w[1], List.of(id))).get(id);
                        assertThat(counts).as(as).containsExactly(expected.probes(), expected.failures());
                    }
                    List<RollupStore.Bucket> buckets = db.read(c -> rollups.buckets(c, id, res, 0, Long.MAX_VALUE));
                    assertThat(buckets).extracting(RollupStore.Bucket::start).containsExactlyElementsOf(old.get(id).get(res).keySet());
                    for (RollupStore.Bucket b : buckets) {
                        Old row = old.get(id).get(res).get(b.start());
                        String as = id + " " + res + " bucket " + b.start();
                        assertThat(b.probes()).as(as).isEqualTo(row.probes);
                        assertThat(b.failures()).as(as).isEqualTo(row.failures);
                        assertThat(b.p50()).as(as).isEqualTo(row.latency.quantile(0.5));
                        assertThat(b.p95()).as(as).isEqualTo(row.latency.quantile(0.95));
                        assertSameMeans(b.phaseMeans(), expected(Map.of(b.start(), row), 0, Long.MAX_VALUE).phaseMeans(), as);
                    }
                }
                var days = db.read(c -> rollups.dailyCounts(c, List.of(id), 0, Long.MAX_VALUE)).get(id);
                assertThat(days).extracting(RollupStore.DayCount::dayStart).containsExactlyElementsOf(old.get(id).get(Resolution.DAY).keySet());
                for (RollupStore.DayCount d : days) {
                    Old row = old.get(id).get(Resolution.DAY).get(d.dayStart());
                    assertThat(d.probes()).isEqualTo(row.probes);
                    assertThat(d.failures()).isEqualTo(row.failures);
                }
            }
            assertThat(db.read(c -> rollups.summary(c, "api", Resolution.DAY, 0, Long.MAX_VALUE)).failuresByReason())
                    .as("a reason name the format has no code for survives").containsKey(OLD_REASON);
        }
    }

    /** Two days of probes every five minutes per monitor, to the 10 µs; one in nine failed, for one of three reasons. */
    private static Map<String, List<ProbeResult>> history(Random random) {
        Map<String, List<ProbeResult>> out = new TreeMap<>();
        for (String id : MONITORS) {
            List<ProbeResult> probes = new ArrayList<>();
            for (int i = 0; i < 2 * 288; i++) {
                Instant at = T0.plusSeconds(300L * i + random.nextInt(60));
                if (random.nextInt(9) == 0) {
                    probes.add(random.nextBoolean() ? Results.failed(at) : Results.failed(at, Reason.TIMEOUT, Phase.INITIALIZE, "timed out"));
                } else {
                    double ms = Math.round(Math.exp(Math.log(id.equals("api") ? 80 : 400) + 0.4 * random.nextGaussian()) * 100) / 100.0;
                    probes.add(Results.healthy(at, ms));
                }
            }
            out.put(id, probes);
        }
        return out;
    }

    /** A bucket as the previous write path kept it in memory before writing it as JSON. */
    static final class Old {
        long probes;
        long failures;
        Map<String, Long> byReason = new TreeMap<>();
        LatencySketch latency = new LatencySketch();
        Map<String, double[]> phases = new TreeMap<>();
    }

    /** Hour and day rows, each probe added as the previous version's {@code RollupStore.add} did, written as it wrote them. */
    private static Map<Resolution, TreeMap<Long, Old>> writeAsBefore(Connection c, String id, List<ProbeResult> probes) throws SQLException {
        Map<Resolution, TreeMap<Long, Old>> out = new TreeMap<>();
        for (Resolution res : List.of(Resolution.HOUR, Resolution.DAY)) {
            TreeMap<Long, Old> rows = new TreeMap<>();
            for (int i = 0; i < probes.size(); i++) {
                ProbeResult r = probes.get(i);
                Old row = rows.computeIfAbsent(res.bucketStart(r.startedAt().toEpochMilli()), k -> new Old());
                row.probes++;
                if (!r.healthy()) {
                    row.failures++;
                    // one old failure per monitor carries a reason name that is not in today's list
                    row.byReason.merge(i == firstFailure(probes) ? OLD_REASON : r.failure().reason().wireName(), 1L, Long::sum);
                } else {
                    row.latency.add(r.totalMs());
                    for (PhaseTiming t : r.timings()) {
                        double[] sum = row.phases.computeIfAbsent(t.phase().wireName(), k -> new double[2]);
                        sum[0]++;
                        sum[1] += t.durationMs();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollups (monitor_id, resolution, bucket_start, probes, failures, "
                    + "failures_by_reason, latency, phases) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (var e : rows.entrySet()) {
                    Old row = e.getValue();
                    ObjectNode phases = Json.object();
                    row.phases.forEach((k, v) -> phases.putArray(k).add(v[0]).add(v[1]));
                    Sql.bindAll(ps, id, res.wireName(), e.getKey(), row.probes, row.failures, Json.MAPPER.writeValueAsString(row.byReason),
                            row.latency.toJson(), phases.toString());
                    ps.executeUpdate();
                }
            }
            out.put(res, rows);
        }
        return out;
    }

    private static int firstFailure(List<ProbeResult> probes) {
        for (int i = 0; i < probes.size(); i++) {
            if (!probes.get(i).healthy()) {
                return i;
            }
        }
        return -1;
    }

    /** What the previous version's summary answered: its rows in the window merged. */
    private static RollupStore.Summary expected(Map<Long, Old> rows, long from, long to) {
        long probes = 0;
        long failures = 0;
        Map<String, Long> byReason = new TreeMap<>();
        LatencySketch latency = new LatencySketch();
        Map<String, double[]> phases = new TreeMap<>();
        for (var e : rows.entrySet()) {
            if (e.getKey() < from || e.getKey() >= to) {
                continue;
            }
            Old row = e.getValue();
            probes += row.probes;
            failures += row.failures;
            row.byReason.forEach((k, v) -> byReason.merge(k, v, Long::sum));
            latency.merge(LatencySketch.fromJson(row.latency.toJson()));
            row.phases.forEach((k, v) -> {
                double[] sum = phases.computeIfAbsent(k, x -> new double[2]);
                sum[0] += v[0];
                sum[1] += v[1];
            });
        }
        return new RollupStore.Summary(probes, failures, byReason, latency, phases);
    }

    private static void assertSame(RollupStore.Summary actual, RollupStore.Summary expected, String as) {
        assertThat(actual.probes()).as(as).isEqualTo(expected.probes());
        assertThat(actual.failures()).as(as).isEqualTo(expected.failures());
        assertThat(actual.availability()).as(as).isEqualTo(expected.availability());
        if (!as.endsWith("added after")) {
            assertThat(actual.failuresByReason()).as(as).isEqualTo(expected.failuresByReason());
        } else {
            assertThat(actual.failuresByReason().values().stream().mapToLong(Long::longValue).sum()).as(as).isEqualTo(expected.failures());
        }
        assertSameLatency(actual.latency(), expected.latency(), as);
        assertSameMeans(actual.phaseMeans(), expected.phaseMeans(), as);
    }

    private static void assertSameLatency(LatencySketch actual, LatencySketch expected, String as) {
        assertThat(actual.count()).as(as).isEqualTo(expected.count());
        for (double q : QUANTILES) {
            assertThat(actual.quantile(q)).as(as + " q=" + q).isEqualTo(expected.quantile(q));
        }
        if (expected.count() > 0) {
            assertThat(actual.mean()).as(as + " mean").isCloseTo(expected.mean(), within(1e-9));
        }
    }

    private static void assertSameMeans(Map<String, Double> actual, Map<String, Double> expected, String as) {
        assertThat(actual.keySet()).as(as).isEqualTo(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(as + " " + k).isCloseTo(v, within(1e-9)));
    }
}
