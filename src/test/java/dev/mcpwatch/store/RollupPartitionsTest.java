package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.monitor.Retention;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Databases.Kind;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.RollupRows;
import dev.mcpwatch.testkit.TestClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rollups partitioned on PostgreSQL (V20): hour and day rows by month, stored minute rows and tool
 * calls per minute by week. Retention creates the spans ahead and drops whole spans before each
 * table's cutoff, and readers then see what deleting the rows would have left; a row of a month
 * without partition is written anyway and moves to its month when that is created; the record's sums
 * read only the months asked for, from the covering index; and a database written at V19 is converted
 * with its rows. SQLite keeps its tables, and the same tests pass on it.
 */
class RollupPartitionsTest {
    static final Instant D0 = Instant.parse("2026-11-01T00:00:00Z");
    /** Raw 7 days, hour and day rollups 60 days, minute rollups 14 days. */
    static final StorageSettings STORAGE = new StorageSettings("unused", null, null, Duration.ofDays(7), Duration.ofDays(60), 1_000,
            Duration.ofDays(14));
    static final List<String> TABLES = List.of("rollup_hours", "rollup_days", "rollup_minutes", "tool_call_minutes");

    @Test
    void retentionCreatesTheCurrentSpanAndTheNextOnce() throws Exception {
        try (Database db = Databases.postgres()) {
            TestClock clock = TestClock.at("2027-03-31T23:59:00Z");

            new Retention(db, STORAGE, clock).run();

            for (String table : List.of("rollup_hours", "rollup_days")) {
                assertThat(partitions(db, table)).contains(table + "_p202703", table + "_p202704").doesNotContain(table + "_p202705");
            }
            for (String table : List.of("rollup_minutes", "tool_call_minutes")) {
                // Wednesday the 31st is in the week of Monday the 29th
                assertThat(partitions(db, table)).contains(table + "_p20270329", table + "_p20270405").doesNotContain(table + "_p20270412");
            }
            assertThat(options(db, "rollup_hours_p202704")).as("open hours stay HOT").isEqualTo("{fillfactor=70}");
            assertThat(options(db, "rollup_hours_default")).isEqualTo("{fillfactor=70}");
            assertThat(options(db, "rollup_days_p202704")).isNull();
            assertThat(new Partitions(db).createAhead(clock.millis())).as("a second pass finds them all").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void anHourOfAMonthWithoutPartitionIsWrittenAndMovesToItsMonthWhenItIsCreated(Kind kind) throws Exception {
        try (Database db = kind.open()) {
            RollupStore rollups = new RollupStore(db.dialect());
            Instant future = Instant.parse("2090-06-01T12:00:00Z");
            Instant past = Instant.parse("1990-06-01T12:00:00Z");
            db.transaction(c -> {
                rollups.add(c, "api", "default", Results.healthy(future, 40));
                rollups.add(c, "api", "default", Results.failed(past));
                return null;
            });
            assertThat(db.read(c -> rollups.summary(c, "api", Resolution.HOUR, future.toEpochMilli(), future.toEpochMilli() + 3_600_000))
                    .probes()).isOne();
            if (kind == Kind.POSTGRES) {
                assertThat(Databases.count(db, "SELECT COUNT(*) FROM rollup_hours_default")).isEqualTo(2);
                assertThat(Databases.count(db, "SELECT COUNT(*) FROM rollup_days_default")).isEqualTo(2);
            }

            new Retention(db, STORAGE, new TestClock(future)).run();

            assertThat(db.read(c -> rollups.summary(c, "api", Resolution.HOUR, future.toEpochMilli(), future.toEpochMilli() + 3_600_000))
                    .probes()).isOne();
            assertThat(db.read(c -> rollups.summary(c, "api", Resolution.HOUR, 0, Long.MAX_VALUE)).probes()).as("1990 is past retention").isOne();
            if (kind == Kind.POSTGRES) {
                assertThat(Databases.count(db, "SELECT COUNT(*) FROM rollup_hours_default")).isZero();
                assertThat(Databases.count(db, "SELECT COUNT(*) FROM rollup_hours_p209006")).isOne();
                assertThat(Databases.count(db, "SELECT COUNT(*) FROM rollup_days_p209006")).isOne();
            }
        }
    }

    /**
     * Four months of two monitors, retention running each day on one database; on its twin the
     * partitions are only created, and at the end retention's batch DELETEs run alone. Both then read
     * the same, and on PostgreSQL the months (and weeks) before the cutoffs are gone as partitions.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void droppingMonthsLeavesWhatDeletingRowsLeaves(Kind kind) throws Exception {
        try (Database dropping = kind.open(); Database deleting = kind.open()) {
            TestClock clock = new TestClock(D0);
            for (int day = 0; day < 120; day++) {
                clock.set(D0.plus(Duration.ofDays(day)));
                new Retention(dropping, STORAGE, clock).run();
                new Partitions(deleting).createAhead(clock.millis());
                writeDay(dropping, clock.instant());
                writeDay(deleting, clock.instant());
            }
            clock.set(D0.plus(Duration.ofDays(119)).plus(Duration.ofHours(13)));

            new Retention(dropping, STORAGE, clock).run();
            RollupStore rollups = new RollupStore(deleting.dialect());
            ToolCallStore calls = new ToolCallStore();
            long minuteCutoff = clock.millis() - STORAGE.minuteRollupRetention().toMillis();
            long rollupCutoff = clock.millis() - STORAGE.rollupRetention().toMillis();
            while (deleting.transaction(c -> rollups.deleteOldestBucket(c, Resolution.MINUTE, minuteCutoff)) > 0) {}
            while (deleting.transaction(c -> calls.deleteMinutesBefore(c, minuteCutoff)) > 0) {}
            while (deleting.transaction(c -> rollups.deleteOldestBucket(c, Resolution.HOUR, rollupCutoff)) > 0) {}
            while (deleting.transaction(c -> rollups.deleteOldestBucket(c, Resolution.DAY, rollupCutoff)) > 0) {}

            assertThat(view(dropping)).isEqualTo(view(deleting));
            assertThat(Databases.count(dropping, "SELECT MIN(bucket_start) FROM rollup_hours")).isGreaterThanOrEqualTo(rollupCutoff);
            assertThat(Databases.count(dropping, "SELECT COUNT(*) FROM rollup_hours")).as("60 days of hours kept").isGreaterThan(2 * 59 * 4);
            if (kind == Kind.POSTGRES) {
                // the rollup cutoff is 2026-12-30 13:00: November went as partitions, December lost its older rows to deletes
                assertThat(partitions(dropping, "rollup_hours")).doesNotContain("rollup_hours_p202611").contains("rollup_hours_p202612");
                assertThat(partitions(dropping, "rollup_days")).doesNotContain("rollup_days_p202611").contains("rollup_days_p202612");
                assertThat(partitions(deleting, "rollup_hours")).contains("rollup_hours_p202611");
                // the minute cutoff is 2027-02-14 13:00, a Sunday: the week of Monday the 8th stays, the 1st's went
                assertThat(partitions(dropping, "rollup_minutes")).doesNotContain("rollup_minutes_p20270201").contains("rollup_minutes_p20270208");
                assertThat(partitions(dropping, "tool_call_minutes")).doesNotContain("tool_call_minutes_p20270201")
                        .contains("tool_call_minutes_p20270208");
                assertThat(Databases.count(dropping, "SELECT COUNT(*) FROM rollup_hours_p202612")).isPositive();
            }
        }
    }

    /** The record's sums over a month of day rows read that month's partition only, from its covering index. */
    @Test
    void theRecordSumsOnlyTheMonthsItAsksForFromTheCoveringIndex() throws Exception {
        try (Database db = Databases.postgres()) {
            for (int day = 0; day < 120; day += 3) {
                new Partitions(db).createAhead(D0.plus(Duration.ofDays(day)).toEpochMilli());
                writeDay(db, D0.plus(Duration.ofDays(day)));
            }
            long from = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
            long to = Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();
            Map<String, long[]> counts = db.read(c -> new RecordStore().counts(c, Resolution.DAY, from, to, null));
            assertThat(counts.get("api")).containsExactly(11 * 4, 11);

            try (Connection c = DriverManager.getConnection(db.url(), "postgres", null); Statement s = c.createStatement()) {
                // as autovacuum leaves finished months: visible to all, so the index alone answers
                s.execute("VACUUM ANALYZE rollup_days");
            }
            String plan = db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL enable_seqscan = off");
                    StringBuilder out = new StringBuilder();
                    try (ResultSet rs = s.executeQuery("EXPLAIN SELECT monitor_key, SUM(probes), SUM(failures) FROM rollup_days "
                            + "WHERE bucket_start >= " + from + " AND bucket_start < " + to + " GROUP BY monitor_key")) {
                        while (rs.next()) {
                            out.append(rs.getString(1)).append('\n');
                        }
                    }
                    return out.toString();
                }
            });
            assertThat(plan).contains("Index Only Scan").contains("rollup_days_p202612").doesNotContain("rollup_days_p202611")
                    .doesNotContain("rollup_days_p202701").doesNotContain("rollup_days_default");
        }
    }

    /** A database written at V19 is partitioned with its rows: it reads as the same probes written at V20 do. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Dialect.class)
    void aDatabaseWrittenAtV19IsPartitionedWithItsRows(Dialect dialect) throws Exception {
        Databases.Empty empty = Databases.empty(dialect);
        Database.migrations(dialect).dataSource(empty.url(), empty.user(), null).target("19").load().migrate();
        Instant last = D0.plus(Duration.ofDays(40));
        try (Connection c = DriverManager.getConnection(empty.url(), empty.user(), null)) {
            for (int day = 0; day <= 40; day += 5) {
                writeDay(c, D0.plus(Duration.ofDays(day)));
            }
        }
        StorageSettings settings = new StorageSettings(empty.url(), empty.user(), null, STORAGE.rawRetention(), STORAGE.rollupRetention(),
                1_000, STORAGE.minuteRollupRetention());
        try (Database upgraded = Database.open(settings); Database fresh = dialect == Dialect.SQLITE ? Databases.sqlite() : Databases.postgres()) {
            for (int day = 0; day <= 40; day += 5) {
                new Partitions(fresh).createAhead(D0.plus(Duration.ofDays(day)).toEpochMilli());
                writeDay(fresh, D0.plus(Duration.ofDays(day)));
            }
            assertThat(Databases.count(upgraded, "SELECT COUNT(*) FROM rollup_hours")).isEqualTo(9 * 2 * 4);
            assertThat(view(upgraded)).isEqualTo(view(fresh));

            for (Database db : List.of(upgraded, fresh)) {
                db.transaction(c -> {
                    new RollupStore(dialect).add(c, "api", "default", Results.healthy(last.plusSeconds(60), 45));
                    return null;
                });
            }
            assertThat(Databases.count(upgraded, "SELECT COUNT(*) FROM rollup_hours")).as("the open hour goes on in its row").isEqualTo(9 * 2 * 4);
            assertThat(view(upgraded)).isEqualTo(view(fresh));
            if (dialect == Dialect.POSTGRES) {
                for (String table : TABLES) {
                    assertThat(Databases.count(upgraded, "SELECT COUNT(*) FROM " + table + "_default")).as(table).isZero();
                }
                assertThat(partitions(upgraded, "rollup_hours")).contains("rollup_hours_p202611", "rollup_hours_p202612");
                assertThat(partitions(upgraded, "rollup_minutes")).contains("rollup_minutes_p20261026", "rollup_minutes_p20261207");
                assertThat(Databases.count(upgraded, "SELECT COUNT(*) FROM rollup_hours_p202611")).isEqualTo(6 * 2 * 4);
                assertThat(options(upgraded, "rollup_hours_p202611")).isEqualTo("{fillfactor=70}");
                assertThat(indexes(upgraded)).isEqualTo(indexes(fresh)).contains("rollup_days_counts", "rollup_hours_age", "rollup_minutes_age",
                        "tool_call_minutes_age", "rollup_hours_pkey");
            }
        }
    }

    /** Monitors "api" (every fourth probe failed) and "docs" probed every 6 hours from {@code day}, with a minute row and a tool call each. */
    private static void writeDay(Database db, Instant day) throws SQLException {
        db.transaction(c -> {
            writeDay(c, day);
            return null;
        });
    }

    private static void writeDay(Connection c, Instant day) throws SQLException {
        RollupStore rollups = new RollupStore(c.getMetaData().getURL().startsWith("jdbc:sqlite:") ? Dialect.SQLITE : Dialect.POSTGRES);
        ToolCallStore calls = new ToolCallStore();
        for (int i = 0; i < 4; i++) {
            Instant at = day.plus(Duration.ofHours(6L * i)).plusSeconds(i);
            rollups.add(c, "api", "default", i == 3 ? Results.failed(at) : Results.healthy(at, 40 + i));
            rollups.add(c, "docs", "eu", Results.healthy(at.plusSeconds(30), 60));
            calls.add(c, "api", at.toEpochMilli(), "search", i != 3);
            RollupRows.write(c, "docs", "eu", Resolution.MINUTE, Resolution.MINUTE.bucketStart(at.toEpochMilli()), 1, 0, new byte[] {(byte) i});
        }
    }

    /** What readers of rollups answer: every row of each table, the day counts and buckets of both monitors, the record's sums. */
    private static List<Object> view(Database db) throws SQLException {
        RollupStore rollups = new RollupStore(db.dialect());
        return db.read(c -> {
            List<Object> out = new ArrayList<>();
            for (String table : TABLES) {
                out.add(Sql.list(c, "SELECT * FROM " + table + " ORDER BY 1, 2, 3", rs -> {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.add(v instanceof byte[] b ? HexFormat.of().formatHex(b) : v instanceof Number n ? n.longValue() : v);
                    }
                    return row;
                }));
            }
            out.add(rollups.dailyCounts(c, List.of("api", "docs"), 0, Long.MAX_VALUE));
            for (String monitor : List.of("api", "docs")) {
                out.add(rollups.buckets(c, monitor, Resolution.HOUR, 0, Long.MAX_VALUE));
                out.add(rollups.buckets(c, monitor, Resolution.DAY, 0, Long.MAX_VALUE));
            }
            for (Resolution res : List.of(Resolution.HOUR, Resolution.DAY)) {
                Map<String, List<Long>> sums = new TreeMap<>();
                new RecordStore().counts(c, res, 0, Long.MAX_VALUE, null).forEach((k, v) -> sums.put(k, List.of(v[0], v[1])));
                out.add(sums);
            }
            out.add(new ToolCallStore().calls(c, Resolution.MINUTE, 0, Long.MAX_VALUE, List.of("api"), "search"));
            return out;
        });
    }

    private static List<String> partitions(Database db, String table) throws SQLException {
        return db.read(c -> Partitions.days(c, Partitions.ALL.stream().filter(t -> t.name().equals(table)).findFirst().orElseThrow()));
    }

    private static String options(Database db, String table) throws SQLException {
        return db.read(c -> Sql.one(c, "SELECT CAST(reloptions AS TEXT) FROM pg_class WHERE relname = ?", rs -> rs.getString(1), table));
    }

    /** The indexes of the partitioned tables (their parents), by name. */
    private static List<String> indexes(Database db) throws SQLException {
        return db.read(c -> Sql.list(c, "SELECT indexname FROM pg_indexes WHERE tablename IN ('rollup_hours', 'rollup_days', 'rollup_minutes', "
                + "'tool_call_minutes') ORDER BY indexname", rs -> rs.getString(1)));
    }
}
