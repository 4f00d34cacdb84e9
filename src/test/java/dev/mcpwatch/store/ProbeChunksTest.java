package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.bench.FleetServer;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.monitor.Compaction;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Databases.Kind;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.TestClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Healthy probes of closed spans packed into chunks of 20 minutes read back as their rows did: every reader
 * of raw results — a page and its cursors, one result by id, failures, server version changes, the
 * last healthy probe, minute figures and percentiles, the count and the oldest start — answers the
 * same after compaction as before, on SQLite and on a real PostgreSQL. Compaction packs only closed
 * spans, twice is once, a probe written late for a packed span is read at once and packed next pass,
 * retention drops whole chunks and trims the one its cutoff falls in, and a monitor's last result
 * (read by id from its state) stays a row until a newer probe takes its place.
 */
class ProbeChunksTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static ProbeResult template;

    @BeforeAll
    static void probeAFleetEndpoint() throws Exception {
        try (FleetServer fleet = FleetServer.start(1, 0)) {
            template = new Prober().probe(ProbeSpec.http("http://127.0.0.1:" + fleet.port() + FleetServer.PREFIX + "0").build());
        }
        assertThat(template.healthy()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void everyReaderAnswersTheSameAfterCompaction(Kind kind) throws Exception {
        try (Database db = kind.open()) {
            List<Long> ids = write(db, 150);
            Answers before = answers(db, ids);
            TestClock clock = new TestClock(T0.plus(Duration.ofMinutes(150 + 6)));

            long packed = new Compaction(db, clock).run();

            // the seven spans of 20 minutes from 10:00 to 12:20 have closed, 12:20 is open: 7 × (18 healthy of fleet + 2 of other)
            assertThat(packed).isEqualTo(7 * (18 + 2));
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_chunks")).isEqualTo(14);
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_results WHERE healthy = ? AND started_at < ?", true,
                    T0.plus(Duration.ofMinutes(140)).toEpochMilli())).as("no healthy row of a closed span is left").isZero();
            assertThat(answers(db, ids)).isEqualTo(before);

            assertThat(new Compaction(db, clock).run()).as("a second pass finds nothing to pack").isZero();
            assertThat(answers(db, ids)).isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aProbeWrittenLateForAPackedHourIsReadAtOnceAndPackedNextPass(Kind kind) throws Exception {
        try (Database db = kind.open()) {
            List<Long> ids = write(db, 150);
            TestClock clock = new TestClock(T0.plus(Duration.ofMinutes(150 + 6)));
            new Compaction(db, clock).run();
            ResultStore results = new ResultStore();
            Instant lateStart = T0.plus(Duration.ofMinutes(30)).plusSeconds(30);
            long late = db.transaction(c -> results.insert(c, "fleet", "default", jittered(lateStart, new Random(1), "1.0.0"), null));
            List<Long> all = new ArrayList<>(ids);
            all.add(late);
            Answers withLate = answers(db, all);
            assertThat(withLate.count()).isEqualTo(ids.size() + 1);
            assertThat(withLate.page()).extracting(ResultStore.ResultRow::id).contains(late);

            assertThat(new Compaction(db, clock).run()).as("the late probe, merged into its span's chunk").isEqualTo(1);

            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_chunks")).isEqualTo(14);
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_results WHERE id = ?", late)).isZero();
            assertThat(answers(db, all)).isEqualTo(withLate);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void retentionDropsWholeChunksAndTrimsTheOneItsCutoffFallsIn(Kind kind) throws Exception {
        try (Database db = kind.open()) {
            List<Long> ids = write(db, 150);
            new Compaction(db, new TestClock(T0.plus(Duration.ofMinutes(150 + 6)))).run();
            ResultStore results = new ResultStore();
            long cutoff = T0.plus(Duration.ofMinutes(90)).toEpochMilli();
            List<ResultStore.ResultRow> expected = db.read(c -> results.page(c, "fleet", 0, Long.MAX_VALUE, null, null, 1_000)).stream()
                    .filter(r -> r.startedAt() >= cutoff).toList();
            long otherKept = db.read(c -> results.page(c, "other", 0, Long.MAX_VALUE, null, null, 1_000)).stream()
                    .filter(r -> r.startedAt() >= cutoff).count();
            int n;
            do {
                n = db.transaction(c -> results.deleteOlderThan(c, cutoff, 7));
            } while (n == 7);

            List<ResultStore.ResultRow> kept = db.read(c -> results.page(c, "fleet", 0, Long.MAX_VALUE, null, null, 1_000));
            assertThat(kept).isEqualTo(expected);
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_chunks")).as("the 11:20 chunks, trimmed, and those of 11:40 and 12:00")
                    .isEqualTo(6);
            assertThat(db.read(results::oldestStart)).isGreaterThanOrEqualTo(cutoff);
            assertThat(db.read(results::count)).isEqualTo(expected.size() + otherKept);
            assertThat(ids).hasSize(150 + 15);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aMonitorsLastResultStaysARowUntilANewerProbeTakesItsPlace(Kind kind) throws Exception {
        try (Database db = kind.open()) {
            var recorder = Results.recorder(db, "default", 100);
            var monitor = Results.monitor("paused");
            List<Long> ids = new ArrayList<>();
            for (int minute : new int[] {10, 20, 30}) {
                Instant at = T0.plus(Duration.ofMinutes(minute));
                ids.add(recorder.record(monitor, Results.healthy(at, 40), at.toEpochMilli() + 40).resultId());
            }
            ResultStore results = new ResultStore();
            List<ResultStore.ResultRow> before = db.read(c -> results.page(c, "paused", 0, Long.MAX_VALUE, null, null, 10));

            assertThat(new Compaction(db, new TestClock(T0.plus(Duration.ofMinutes(70)))).run()).isEqualTo(2);
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_results WHERE id = ?", ids.getLast()))
                    .as("the last result, read by id from the monitor's state").isOne();
            List<ResultStore.ResultRow> packed = db.read(c -> results.page(c, "paused", 0, Long.MAX_VALUE, null, null, 10));
            assertThat(packed).isEqualTo(before);

            Instant resumed = T0.plus(Duration.ofMinutes(75));
            recorder.record(monitor, Results.healthy(resumed, 40), resumed.toEpochMilli() + 40);
            assertThat(new Compaction(db, new TestClock(T0.plus(Duration.ofMinutes(76)))).run()).as("merged into the 10:20 chunk").isOne();
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_chunks")).as("10:00 and 10:20").isEqualTo(2);
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.get(i);
                ResultStore.ResultRow row = db.read(c -> results.get(c, id));
                assertThat(row).as("result %d by id, from its chunk", id).isEqualTo(before.get(ids.size() - 1 - i));
            }
        }
    }

    /** A database written at V13 (rows only) is upgraded, packed and reads the same. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void aDatabaseWrittenAtV13IsUpgradedAndPacked(Dialect dialect) throws Exception {
        Databases.Empty empty = Databases.empty(dialect);
        String url = empty.url();
        String user = empty.user();
        Database.migrations(dialect).dataSource(url, user, null)
                .target("13").load().migrate();
        StorageSettings settings = new StorageSettings(url, user, null, StorageSettings.DEFAULT.rawRetention(),
                StorageSettings.DEFAULT.rollupRetention(), 1_000);
        List<Long> ids = new ArrayList<>();
        try (Connection c = java.sql.DriverManager.getConnection(url, user, null)) {
            Random random = new Random(9);
            for (int i = 0; i < 90; i++) {
                ids.add(new ResultStore().insert(c, "fleet", "default", probe(i, random), null));
            }
        }
        try (Database db = Database.open(settings)) {
            Answers before = answers(db, ids);
            // the spans 10:00 to 11:20 (four of 20 minutes) have closed: 18 healthy probes each
            assertThat(new Compaction(db, new TestClock(T0.plus(Duration.ofMinutes(96)))).run()).isEqualTo(4 * 18);
            assertThat(answers(db, ids)).isEqualTo(before);
            long next = db.transaction(c -> new ResultStore().insert(c, "fleet", "default", probe(90, new Random(2)), null));
            assertThat(next).as("ids go on after the upgrade").isGreaterThan(ids.getLast());
        }
    }

    /**
     * A probe a minute from 10:00 for "fleet" (every tenth failed, the server upgraded at the 60th)
     * and one every ten minutes for "other", whose ids interleave.
     */
    private static List<Long> write(Database db, int minutes) throws SQLException {
        ResultStore results = new ResultStore();
        Random random = new Random(5);
        return db.transaction(c -> {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < minutes; i++) {
                out.add(results.insert(c, "fleet", "default", probe(i, random), null));
                if (i % 10 == 4) {
                    out.add(results.insert(c, "other", "eu", jittered(T0.plusSeconds(60L * i + 5), random, "2.0.0"), null));
                }
            }
            return out;
        });
    }

    private static ProbeResult probe(int i, Random random) {
        Instant start = T0.plusSeconds(60L * i).plusNanos(random.nextInt(1_000_000_000));
        return i % 10 == 7 ? Results.failed(start) : jittered(start, random, i < 60 ? "1.0.0" : "1.1.0");
    }

    private static ProbeResult jittered(Instant start, Random random, String version) {
        return Results.jittered(template, template.target(), start, random, version);
    }

    /** Everything the readers of raw results answer, as plain values. */
    record Answers(List<ResultStore.ResultRow> page, List<ResultStore.ResultRow> pagedByCursor, List<ResultStore.ResultRow> window,
            List<ResultStore.ResultRow> byId, List<ResultStore.ResultRow> failures, List<List<ResultStore.VersionSeen>> versions,
            List<Long> lastHealthy, List<String> minutes, List<String> measured, long count, Long oldest) {}

    private static Answers answers(Database db, List<Long> ids) throws SQLException {
        ResultStore results = new ResultStore();
        return db.read(c -> {
            List<ResultStore.ResultRow> paged = new ArrayList<>();
            List<ResultStore.ResultRow> page = results.page(c, "fleet", 0, Long.MAX_VALUE, null, null, 7);
            while (!page.isEmpty()) {
                paged.addAll(page);
                ResultStore.ResultRow last = page.getLast();
                page = results.page(c, "fleet", 0, Long.MAX_VALUE, last.startedAt(), last.id(), 7);
            }
            List<ResultStore.ResultRow> byId = new ArrayList<>();
            for (long id : ids) {
                byId.add(results.get(c, id));
            }
            long at35 = T0.plus(Duration.ofMinutes(35)).toEpochMilli();
            long at95 = T0.plus(Duration.ofMinutes(95)).toEpochMilli();
            List<List<ResultStore.VersionSeen>> versions = List.of(results.serverVersionChanges(c, "fleet", 0, Long.MAX_VALUE),
                    results.serverVersionChanges(c, "fleet", at35, at95), results.serverVersionChanges(c, "other", at95, Long.MAX_VALUE));
            List<Long> lastHealthy = new ArrayList<>();
            for (int minute : new int[] {0, 1, 18, 60, 61, 120, 149, 200}) {
                lastHealthy.add(results.lastHealthyBefore(c, "fleet", T0.plus(Duration.ofMinutes(minute)).toEpochMilli()));
                lastHealthy.add(results.lastHealthyBefore(c, "other", T0.plus(Duration.ofMinutes(minute)).toEpochMilli()));
            }
            List<String> minutes = new ArrayList<>();
            for (RollupStore.Minute m : RollupStore.minutes(c, null, null, 0, Long.MAX_VALUE, true)) {
                RollupStore.Row r = m.row();
                StringBuilder s = new StringBuilder(m.monitorId() + " " + m.bucket() + " " + r.probes + " " + r.failures + " " + r.byReason
                        + " " + r.latency.quantile(0.5) + " " + r.latency.quantile(0.95));
                r.phases.forEach((k, v) -> s.append(' ').append(k).append(Arrays.toString(v)));
                minutes.add(s.toString());
            }
            List<String> measured = results.measured(c, List.of("other", "fleet"), T0.plus(Duration.ofMinutes(50)).toEpochMilli(),
                    T0.plus(Duration.ofMinutes(70)).toEpochMilli(), true).stream().map(String::valueOf).toList();
            return new Answers(results.page(c, "fleet", 0, Long.MAX_VALUE, null, null, 1_000), paged,
                    results.page(c, "other", T0.plus(Duration.ofMinutes(20)).toEpochMilli(), at95, null, null, 1_000), byId,
                    results.recentFailures(c, "fleet", 50), versions, lastHealthy, minutes, measured, results.count(c), results.oldestStart(c));
        });
    }
}
