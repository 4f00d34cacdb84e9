package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rollups by location (V18) on SQLite and a real PostgreSQL. Two locations record into one database:
 * every reader merges their rows into exactly what one location's rows of the same probes give, and
 * a location's figures read alone are those of its probes. A database written by V17 (one row per
 * monitor and bucket, every location's probes in it) is converted: the same figures, each row under
 * the monitor's only location, and a probe after the upgrade goes on in the same row.
 */
class RollupsByLocationTest {
    static final Instant T0 = Instant.parse("2026-11-20T21:00:00Z");
    static final double[] QUANTILES = {0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1};
    static final long ALL = Long.MAX_VALUE;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void twoLocationsMergeIntoWhatOneLocationGivesAndReadApart(Dialect dialect) throws SQLException {
        try (Database db = dialect == Dialect.SQLITE ? Databases.sqlite() : Databases.postgres()) {
            RollupStore rollups = new RollupStore(db.dialect());
            ResultStore results = new ResultStore();
            Map<String, List<ProbeResult>> byLocation = new TreeMap<>();
            Random random = new Random(16);
            // six hours over a day's end, each location every minute, half a minute apart
            for (int i = 0; i < 360; i++) {
                byLocation.computeIfAbsent("eu-west", k -> new ArrayList<>()).add(probe(random, T0.plusSeconds(60L * i), 80));
                byLocation.computeIfAbsent("us-east", k -> new ArrayList<>()).add(probe(random, T0.plusSeconds(60L * i + 30), 240));
            }
            db.transaction(c -> {
                for (var e : byLocation.entrySet()) {
                    for (ProbeResult r : e.getValue()) {
                        // "api" as the two locations record it; "one" the same probes as one location; "eu-only" eu-west's alone
                        for (String id : e.getKey().equals("eu-west") ? List.of("api", "one", "eu-only") : List.of("api", "one")) {
                            String location = id.equals("api") ? e.getKey() : "default";
                            results.insert(c, id, location, r, null);
                            rollups.add(c, id, location, r);
                        }
                    }
                }
                return null;
            });

            long hourRows = Databases.count(db, "SELECT COUNT(*) FROM rollup_hours r JOIN monitor_keys k ON k.monitor_key = r.monitor_key "
                    + "WHERE k.monitor_id = 'one'");
            assertThat(hourRows).as("one location: one row per hour, as before").isEqualTo(6);
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM rollup_hours r JOIN monitor_keys k ON k.monitor_key = r.monitor_key "
                    + "WHERE k.monitor_id = 'api'")).as("a row per hour and location").isEqualTo(12);

            long[][] windows = {{0, ALL}, {T0.plusSeconds(3_600).toEpochMilli(), T0.plusSeconds(4 * 3_600 + 1_234).toEpochMilli()},
                    {T0.plusSeconds(3 * 3_600).toEpochMilli(), ALL}};
            for (Resolution res : Resolution.values()) {
                for (long[] w : windows) {
                    String as = res + " [" + w[0] + ", " + w[1] + ")";
                    assertSame(db.read(c -> rollups.summary(c, "api", res, w[0], w[1])), db.read(c -> rollups.summary(c, "one", res, w[0], w[1])),
                            "merged " + as);
                    assertSame(db.read(c -> rollups.summary(c, "api", "eu-west", res, w[0], w[1])),
                            db.read(c -> rollups.summary(c, "eu-only", res, w[0], w[1])), "eu-west alone " + as);
                    RollupStore.Summary us = db.read(c -> rollups.summary(c, "api", "us-east", res, w[0], w[1]));
                    RollupStore.Summary eu = db.read(c -> rollups.summary(c, "eu-only", res, w[0], w[1]));
                    RollupStore.Summary one = db.read(c -> rollups.summary(c, "one", res, w[0], w[1]));
                    assertThat(us.probes() + eu.probes()).as("us-east alone " + as).isEqualTo(one.probes());
                    assertThat(us.latency().quantile(0.5)).as("us-east's own latency " + as).isGreaterThan(eu.latency().quantile(0.5));

                    Map<String, RollupStore.Summary> many = db.read(c -> rollups.summaries(c, List.of("api", "one"), res, w[0], w[1]));
                    assertThat(many.get("api").probes()).as(as).isEqualTo(many.get("one").probes());
                    assertThat(many.get("api").failures()).as(as).isEqualTo(many.get("one").failures());
                    assertSameLatency(many.get("api").latency(), many.get("one").latency(), "summaries " + as);
                    RecordStore record = new RecordStore();
                    Map<String, long[]> counts = db.read(c -> record.counts(c, res, res.bucketStart(w[0]), w[1], null));
                    assertThat(counts.get("api")).as("record counts " + as).containsExactly(counts.get("one"));
                    long[] apiUnder = db.read(c -> record.latencyUnder(c, res, res.bucketStart(w[0]), w[1], List.of("api"), 150));
                    long[] oneUnder = db.read(c -> record.latencyUnder(c, res, res.bucketStart(w[0]), w[1], List.of("one"), 150));
                    assertThat(apiUnder).as("latency objective " + as).containsExactly(oneUnder);
                }
                List<RollupStore.Bucket> merged = db.read(c -> rollups.buckets(c, "api", res, 0, ALL));
                List<RollupStore.Bucket> single = db.read(c -> rollups.buckets(c, "one", res, 0, ALL));
                assertThat(merged).as(res + " buckets").hasSameSizeAs(single);
                for (int i = 0; i < single.size(); i++) {
                    RollupStore.Bucket a = merged.get(i);
                    RollupStore.Bucket b = single.get(i);
                    assertThat(List.of(a.start(), a.probes(), a.failures())).as(res + " bucket " + i).isEqualTo(List.of(b.start(), b.probes(), b.failures()));
                    assertThat(a.p50()).as(res + " bucket " + i).isEqualTo(b.p50());
                    assertThat(a.p95()).as(res + " bucket " + i).isEqualTo(b.p95());
                    assertSameMeans(a.phaseMeans(), b.phaseMeans(), res + " bucket " + i);
                }
                List<RollupStore.Bucket> euBuckets = db.read(c -> rollups.buckets(c, "api", "eu-west", res, 0, ALL));
                List<RollupStore.Bucket> euOnly = db.read(c -> rollups.buckets(c, "eu-only", res, 0, ALL));
                assertThat(euBuckets.stream().map(RollupStore.Bucket::probes).toList()).as(res + " eu-west's buckets")
                        .isEqualTo(euOnly.stream().map(RollupStore.Bucket::probes).toList());
            }
            var days = db.read(c -> rollups.dailyCounts(c, List.of("api", "one"), 0, ALL));
            assertThat(days.get("api")).as("day counts merged").containsExactlyElementsOf(days.get("one"));
            assertThat(days.get("api")).hasSize(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void rowsWrittenByV17AreKeptAsTheirMonitorsLocationWithTheSameFigures(Dialect dialect) throws SQLException {
        Databases.Empty empty = Databases.empty(dialect);
        Database.migrations(dialect).dataSource(empty.url(), empty.user(), null).target("17").load().migrate();
        Random random = new Random(17);
        Map<String, Map<Resolution, TreeMap<Long, RollupStore.Row>>> old = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(empty.url(), empty.user(), null)) {
            // solo: probed by eu-west alone; pair: by two locations; bare: no state left, no monitor key (raw results expired)
            state(c, "solo", "eu-west");
            state(c, "pair", "eu-west");
            state(c, "pair", "us-east");
            Sql.update(c, "INSERT INTO monitor_keys (monitor_id) VALUES ('pair')");
            for (String id : List.of("solo", "pair", "bare")) {
                Map<Resolution, TreeMap<Long, RollupStore.Row>> rows = new TreeMap<>();
                for (int i = 0; i < 300; i++) {
                    ProbeResult r = probe(random, T0.plusSeconds(60L * i), 100);
                    for (Resolution res : Resolution.values()) {
                        RollupStore.Row row = rows.computeIfAbsent(res, k -> new TreeMap<>()).computeIfAbsent(res.bucketStart(
                                r.startedAt().toEpochMilli()), k -> new RollupStore.Row());
                        row.probes++;
                        if (r.healthy()) {
                            row.latency.add(r.totalMs());
                        } else {
                            row.failures++;
                            row.byReason.merge(r.failure().reason().wireName(), 1L, Long::sum);
                        }
                    }
                }
                for (var byRes : rows.entrySet()) {
                    for (var e : byRes.getValue().entrySet()) {
                        RollupStore.Row row = e.getValue();
                        // as V15 to V17 wrote them
                        Sql.update(c, "INSERT INTO rollups (monitor_id, resolution, bucket_start, probes, failures, figures) VALUES (?, ?, ?, ?, ?, ?)",
                                id, byRes.getKey().wireName(), e.getKey(), row.probes, row.failures,
                                PackedRollup.pack(row.byReason, row.latency, row.phases));
                    }
                }
                old.put(id, rows);
            }
        }

        try (Database db = Database.open(new StorageSettings(empty.url(), empty.user(), null, StorageSettings.DEFAULT.rawRetention(),
                StorageSettings.DEFAULT.rollupRetention(), 1_000))) {
            RollupStore rollups = new RollupStore(db.dialect());
            for (String id : old.keySet()) {
                String owner = id.equals("solo") ? "eu-west" : "default";
                for (Resolution res : Resolution.values()) {
                    RollupStore.Summary expected = expected(old.get(id).get(res).values());
                    String as = id + " " + res;
                    assertSame(db.read(c -> rollups.summary(c, id, res, 0, ALL)), expected, as + " merged");
                    assertSame(db.read(c -> rollups.summary(c, id, owner, res, 0, ALL)), expected, as + " as " + owner + "'s");
                    List<RollupStore.Bucket> buckets = db.read(c -> rollups.buckets(c, id, res, 0, ALL));
                    assertThat(buckets.stream().map(RollupStore.Bucket::start).toList()).as(as)
                            .isEqualTo(new ArrayList<>(old.get(id).get(res).keySet()));
                }
                assertThat(db.read(c -> rollups.summary(c, id, "us-east", Resolution.HOUR, 0, ALL)).probes()).as(id + " us-east").isZero();
            }
            long rows = Databases.count(db, "SELECT COUNT(*) FROM rollup_hours");
            ProbeResult after = Results.healthy(T0.plusSeconds(299 * 60 + 30), 50); // in the last hour written before
            db.transaction(c -> {
                rollups.add(c, "solo", "eu-west", after);
                return null;
            });
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM rollup_hours")).as("the open hour goes on in its row").isEqualTo(rows);
            long hour = Resolution.HOUR.bucketStart(after.startedAt().toEpochMilli());
            assertThat(db.read(c -> rollups.summary(c, "solo", "eu-west", Resolution.HOUR, hour, hour + 1)).probes())
                    .isEqualTo(old.get("solo").get(Resolution.HOUR).get(hour).probes + 1);
        }
    }

    private static void state(Connection c, String monitorId, String location) throws SQLException {
        Sql.update(c, "INSERT INTO location_state (monitor_id, location, status, consecutive_failures, consecutive_successes, probes, "
                + "last_probe_at) VALUES (?, ?, 'up', 0, 1, 1, 0)", monitorId, location);
    }

    /** A probe at {@code at} around {@code ms}, to the 10 µs; one in nine failed, for one of two reasons. */
    private static ProbeResult probe(Random random, Instant at, double ms) {
        if (random.nextInt(9) == 0) {
            return random.nextBoolean() ? Results.failed(at) : Results.failed(at, Reason.TIMEOUT, Phase.INITIALIZE, "timed out");
        }
        return Results.healthy(at, Math.round(Math.exp(Math.log(ms) + 0.4 * random.nextGaussian()) * 100) / 100.0);
    }

    private static RollupStore.Summary expected(Iterable<RollupStore.Row> rows) {
        long probes = 0;
        long failures = 0;
        Map<String, Long> byReason = new TreeMap<>();
        LatencySketch latency = new LatencySketch();
        for (RollupStore.Row row : rows) {
            probes += row.probes;
            failures += row.failures;
            row.byReason.forEach((k, v) -> byReason.merge(k, v, Long::sum));
            latency.merge(row.latency);
        }
        return new RollupStore.Summary(probes, failures, byReason, latency, Map.of());
    }

    private static void assertSame(RollupStore.Summary actual, RollupStore.Summary expected, String as) {
        assertThat(actual.probes()).as(as).isEqualTo(expected.probes());
        assertThat(actual.failures()).as(as).isEqualTo(expected.failures());
        assertThat(actual.failuresByReason()).as(as).isEqualTo(expected.failuresByReason());
        assertSameLatency(actual.latency(), expected.latency(), as);
        assertSameMeans(actual.phaseMeans(), expected.phaseMeans(), as);
    }

    private static void assertSameLatency(LatencySketch actual, LatencySketch expected, String as) {
        assertThat(actual.count()).as(as).isEqualTo(expected.count());
        for (double q : QUANTILES) {
            assertThat(actual.quantile(q)).as(as + " q=" + q).isEqualTo(expected.quantile(q));
        }
        if (expected.count() > 0) {
            assertThat(actual.mean()).as(as + " mean").isCloseTo(expected.mean(), within(1e-6));
        }
    }

    private static void assertSameMeans(Map<String, Double> actual, Map<String, Double> expected, String as) {
        assertThat(actual.keySet()).as(as).isEqualTo(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(as + " " + k).isCloseTo(v, within(1e-6)));
    }
}
