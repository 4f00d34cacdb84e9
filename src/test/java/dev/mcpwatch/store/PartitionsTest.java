package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.monitor.Compaction;
import dev.mcpwatch.monitor.Retention;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Databases.Kind;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.TestClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw results partitioned by day on PostgreSQL (V19): retention creates the days ahead and drops
 * whole days before its cutoff, and readers then see exactly the rows that deleting them would have
 * left; a probe of a day without a partition is written anyway and moves to its day when that is
 * created; reads by id stay index reads; a chunk stays unique per monitor and span; a drop waits for
 * its lock at most the timeout; and a database written at V17 is converted with its rows. SQLite
 * keeps its tables, and the same tests pass on it.
 */
class PartitionsTest {
    static final Instant D0 = Instant.parse("2026-11-10T00:00:00Z");
    static final StorageSettings STORAGE = new StorageSettings("unused", null, null, Duration.ofDays(7), Duration.ofDays(30), 1_000,
            Duration.ofDays(7));

    @Test
    void retentionCreatesTodayAndTheDaysAheadOnce() throws Exception {
        try (Database db = Databases.postgres()) {
            TestClock clock = TestClock.at("2027-03-10T23:59:00Z");

            new Retention(db, STORAGE, clock).run();

            for (String table : List.of("probe_results", "probe_chunks")) {
                assertThat(partitions(db, table)).contains(table + "_p20270310", table + "_p20270311", table + "_p20270312",
                        table + "_p20270313").doesNotContain(table + "_p20270314");
            }
            assertThat(new Partitions(db).createAhead(clock.millis())).as("a second pass finds them all").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aProbeOfADayWithoutPartitionIsWrittenAndMovesToItsDayWhenItIsCreated(Kind kind) throws Exception {
        try (Database db = kind.open()) {
            ResultStore results = new ResultStore();
            Instant future = Instant.parse("2090-06-01T12:00:00Z");
            Instant past = Instant.parse("1990-06-01T12:00:00Z");
            long later = db.transaction(c -> results.insert(c, "api", "default", Results.healthy(future, 40), null));
            long earlier = db.transaction(c -> results.insert(c, "api", "default", Results.failed(past), null));
            assertThat(db.read(c -> results.get(c, later)).startedAt()).isEqualTo(future.toEpochMilli());
            assertThat(db.read(c -> results.get(c, earlier)).startedAt()).isEqualTo(past.toEpochMilli());
            if (kind == Kind.POSTGRES) {
                assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_results_default")).isEqualTo(2);
            }

            new Retention(db, STORAGE, new TestClock(future)).run();

            assertThat(db.read(c -> results.get(c, later)).startedAt()).isEqualTo(future.toEpochMilli());
            ResultStore.ResultRow expired = db.read(c -> results.get(c, earlier));
            assertThat(expired).as("older than raw retention").isNull();
            if (kind == Kind.POSTGRES) {
                assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_results_default")).isZero();
                assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_results_p20900601 WHERE id = ?", later)).isOne();
            }
        }
    }

    /**
     * Ten days of two monitors, with retention and compaction running as each day starts; at the end
     * the same rows are left as on a database whose retention only deleted (and the days before the
     * cutoff's day are gone as partitions on PostgreSQL).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void droppingDaysLeavesWhatDeletingRowsLeaves(Kind kind) throws Exception {
        try (Database dropping = kind.open(); Database deleting = kind.open()) {
            TestClock clock = new TestClock(D0);
            List<Long> ids = new ArrayList<>();
            for (int day = 0; day < 10; day++) {
                clock.set(D0.plus(Duration.ofDays(day)));
                new Retention(dropping, STORAGE, clock).run();
                new Partitions(deleting).createAhead(clock.millis());
                List<Long> written = writeDay(dropping, clock.instant());
                assertThat(writeDay(deleting, clock.instant())).isEqualTo(written);
                ids.addAll(written);
                clock.advance(Duration.ofHours(23));
                new Compaction(dropping, clock).run();
                new Compaction(deleting, clock).run();
            }
            clock.set(D0.plus(Duration.ofDays(9)).plus(Duration.ofHours(13)).plusSeconds(30));

            new Retention(dropping, STORAGE, clock).run();
            long cutoff = Resolution.MINUTE.bucketStart(clock.millis() - STORAGE.rawRetention().toMillis());
            ResultStore results = new ResultStore();
            int n;
            do {
                n = deleting.transaction(c -> results.deleteOlderThan(c, cutoff, 500));
            } while (n > 0);

            assertThat(view(dropping, ids)).isEqualTo(view(deleting, ids));
            assertThat(db(dropping, results::oldestStart)).isGreaterThanOrEqualTo(cutoff).isLessThan(cutoff + Duration.ofMinutes(10).toMillis());
            if (kind == Kind.POSTGRES) {
                // the cutoff is 2026-11-12 13:00: the 10th and 11th went as partitions, the 12th lost its morning to deletes
                for (String table : List.of("probe_results", "probe_chunks")) {
                    assertThat(partitions(dropping, table)).first().isEqualTo(table + "_p20261112");
                    assertThat(partitions(deleting, table)).first().isEqualTo(table + "_p20261110");
                }
            }
        }
    }

    @Test
    void aReadByIdIsAnIndexReadInEveryPartition() throws Exception {
        try (Database db = Databases.postgres()) {
            new Partitions(db).createAhead(D0.toEpochMilli());
            writeDay(db, D0);
            String plan = db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE");
                    s.execute("SET LOCAL enable_seqscan = off");
                }
                return String.join("\n", Sql.list(c, "EXPLAIN SELECT r.id FROM probe_results r WHERE r.id = 5", rs -> rs.getString(1)));
            });
            assertThat(plan).contains("probe_results_p20261110").doesNotContain("Seq Scan").contains("Index");
        }
    }

    @Test
    void twoChunksOfOneMonitorAndSpanCannotBothBeInserted() throws Exception {
        try (Database db = Databases.postgres()) {
            String insert = "INSERT INTO probe_chunks (monitor_key, span_start, first_at, first_id, last_id, probes, packed) "
                    + "VALUES (1, ?, ?, 1, 1, 1, ?)";
            long span = D0.toEpochMilli();
            db.transaction(c -> Sql.update(c, insert, span, span, new byte[] {1}));
            assertThatThrownBy(() -> db.transaction(c -> Sql.update(c, insert, span, span + 5, new byte[] {2})))
                    .isInstanceOf(SQLException.class).hasMessageContaining("duplicate key");
        }
    }

    /**
     * Dropping a day takes an ACCESS EXCLUSIVE lock on the parent table for its transaction: while a
     * probe's write is open, the drop waits the timeout and gives up (probes queued behind it wait
     * no longer), and drops it the next pass; probes written while days are dropped all get through.
     */
    @Test
    void aDropWaitsForItsLockAtMostTheTimeoutAndProbesKeepWriting() throws Exception {
        try (Database db = Databases.postgres()) {
            for (int day = 0; day < 6; day++) {
                new Partitions(db).createAhead(D0.plus(Duration.ofDays(day)).toEpochMilli());
            }
            ResultStore results = new ResultStore();
            Instant today = D0.plus(Duration.ofDays(8));
            Partitions partitions = new Partitions(db, Duration.ofMillis(300));
            long cutoff = D0.plus(Duration.ofDays(1)).toEpochMilli();
            try (Connection probe = DriverManager.getConnection(db.url(), "postgres", null)) {
                probe.setAutoCommit(false);
                results.insert(probe, "api", "default", Results.healthy(today, 40), null);
                long started = System.nanoTime();
                assertThat(partitions.dropBefore(cutoff)).as("probe_chunks' day only: probe_results is held by the open write").isOne();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
                assertThat(partitions(db, "probe_results")).contains("probe_results_p20261110");
                assertThat(heldLock(db, probe)).isEqualTo("RowExclusiveLock");
                probe.commit();
            }
            assertThat(partitions.dropBefore(cutoff)).as("next pass").isOne();
            assertThat(partitions(db, "probe_results")).doesNotContain("probe_results_p20261110");

            String mode = db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE probe_results_p20261111");
                }
                return Sql.one(c, "SELECT string_agg(mode, ',') FROM pg_locks WHERE relation = CAST('probe_results' AS regclass) "
                        + "AND pid = pg_backend_pid()", rs -> rs.getString(1));
            });
            assertThat(mode).as("what a drop holds on the parent until it commits").contains("AccessExclusiveLock");

            AtomicBoolean dropping = new AtomicBoolean(true);
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<long[]> probes = writer.submit(() -> {
                    long written = 0;
                    long slowest = 0;
                    while (dropping.get() || written < 20) {
                        long t = System.nanoTime();
                        db.transaction(c -> results.insert(c, "api", "default", Results.healthy(today, 40), null));
                        slowest = Math.max(slowest, System.nanoTime() - t);
                        written++;
                    }
                    return new long[] {written, slowest};
                });
                int dropped = partitions.dropBefore(D0.plus(Duration.ofDays(6)).toEpochMilli());
                dropping.set(false);
                long[] figures = probes.get();
                assertThat(dropped).as("four days of both tables").isEqualTo(4 + 5);
                assertThat(Duration.ofNanos(figures[1])).as("the slowest of %d writes while days were dropped", figures[0])
                        .isLessThan(Duration.ofSeconds(2));
            } finally {
                writer.shutdownNow();
            }
        }
    }

    /** A database written at V17 (rows and chunks) is partitioned with them: it reads as the same probes written at V19 do. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void aDatabaseWrittenAtV17IsPartitionedWithItsRows(Dialect dialect) throws Exception {
        Databases.Empty empty = Databases.empty(dialect);
        Database.migrations(dialect).dataSource(empty.url(), empty.user(), null).target("17").load().migrate();
        List<Long> ids;
        try (Connection c = DriverManager.getConnection(empty.url(), empty.user(), null)) {
            ids = writeDay(c, D0);
            ResultChunks chunks = new ResultChunks(dialect);
            for (ResultChunks.MonitorSpan span : chunks.closedSpans(c, D0.plus(Duration.ofHours(12)).toEpochMilli(), 1_000)) {
                chunks.compact(c, span);
            }
        }
        StorageSettings settings = new StorageSettings(empty.url(), empty.user(), null, STORAGE.rawRetention(), STORAGE.rollupRetention(),
                1_000);
        try (Database upgraded = Database.open(settings); Database fresh = dialect == Dialect.SQLITE ? Databases.sqlite() : Databases.postgres()) {
            new Partitions(fresh).createAhead(D0.toEpochMilli());
            assertThat(writeDay(fresh, D0)).isEqualTo(ids);
            ResultChunks chunks = new ResultChunks(dialect);
            for (ResultChunks.MonitorSpan span : db(fresh, c -> chunks.closedSpans(c, D0.plus(Duration.ofHours(12)).toEpochMilli(), 1_000))) {
                fresh.transaction(c -> chunks.compact(c, span));
            }
            assertThat(Databases.count(upgraded, "SELECT COUNT(*) FROM probe_chunks")).isPositive();
            assertThat(view(upgraded, ids)).isEqualTo(view(fresh, ids));
            long next = upgraded.transaction(c -> new ResultStore().insert(c, "api", "default", Results.healthy(D0.plusSeconds(1), 40), null));
            assertThat(next).as("ids go on after the upgrade").isGreaterThan(ids.getLast());
            if (dialect == Dialect.POSTGRES) {
                assertThat(partitions(upgraded, "probe_results")).contains("probe_results_p20261110");
                assertThat(partitions(upgraded, "probe_chunks")).contains("probe_chunks_p20261110");
                assertThat(Databases.count(upgraded, "SELECT COUNT(*) FROM probe_results_p20261110")).isEqualTo(
                        Databases.count(upgraded, "SELECT COUNT(*) FROM probe_results"));
                assertThat(Databases.count(upgraded, "SELECT COUNT(*) FROM probe_chunks_default")).isZero();
            }
        }
    }

    /** Two monitors probed every 10 minutes through the day from {@code day}, every fifth probe of "api" failed. */
    private static List<Long> writeDay(Database db, Instant day) throws SQLException {
        return db.transaction(c -> writeDay(c, day));
    }

    private static List<Long> writeDay(Connection c, Instant day) throws SQLException {
        ResultStore results = new ResultStore();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 144; i++) {
            Instant at = day.plus(Duration.ofMinutes(10L * i)).plusMillis(i);
            ids.add(results.insert(c, "api", "default", i % 5 == 3 ? Results.failed(at) : Results.healthy(at, 40 + i % 7), null));
            ids.add(results.insert(c, "docs", "eu", Results.healthy(at.plusSeconds(30), 60), null));
        }
        return ids;
    }

    /** What readers of raw results answer: both monitors' pages, each result by id, failures, the count and the oldest start. */
    private static List<Object> view(Database db, List<Long> ids) throws SQLException {
        ResultStore results = new ResultStore();
        return db(db, c -> {
            List<Object> out = new ArrayList<>();
            out.add(results.page(c, "api", 0, Long.MAX_VALUE, null, null, 10_000));
            out.add(results.page(c, "docs", 0, Long.MAX_VALUE, null, null, 10_000));
            List<ResultStore.ResultRow> byId = new ArrayList<>();
            for (long id : ids) {
                byId.add(results.get(c, id));
            }
            out.add(byId);
            out.add(results.recentFailures(c, "api", 10_000));
            out.add(results.count(c));
            out.add(results.oldestStart(c));
            return out;
        });
    }

    private static <T> T db(Database db, Database.Work<T> work) throws SQLException {
        return db.read(work);
    }

    private static List<String> partitions(Database db, String table) throws SQLException {
        return db.read(c -> Partitions.days(c, Partitions.TABLES.stream().filter(t -> t.name().equals(table)).findFirst().orElseThrow()));
    }

    /** The lock the open transaction on {@code probe} holds on probe_results. */
    private static String heldLock(Database db, Connection probe) throws SQLException {
        int pid = Sql.one(probe, "SELECT pg_backend_pid()", rs -> rs.getInt(1));
        return db.read(c -> Sql.one(c, "SELECT mode FROM pg_locks WHERE relation = CAST('probe_results' AS regclass) AND pid = ? AND granted",
                rs -> rs.getString(1), pid));
    }
}
