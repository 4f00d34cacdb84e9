package dev.mcpwatch.monitor;

import static dev.mcpwatch.testkit.Databases.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.testkit.Databases.Kind;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.TestClock;
import dev.mcpwatch.store.ResultStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Retention, on SQLite and on a real PostgreSQL: raw results go after {@code raw_retention}, minute
 * rollups after {@code minute_rollup_retention} (by default {@code raw_retention}: then they are read
 * from the raw results and none is stored; kept longer, they are stored as the raw results expire),
 * hour and day rollups after {@code rollup_retention}; everything newer stays.
 */
class RetentionTest {
    /** Minute rollups kept only as long as raw results, as by default. */
    private static final StorageSettings STORAGE = new StorageSettings("unused", null, null, Duration.ofDays(7), Duration.ofDays(30),
            1_000, Duration.ofDays(7));

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void oldRowsGoInBatchesAndNewerOnesStay(Kind kind) throws SQLException {
        try (Database db = kind.open()) {
            TestClock clock = TestClock.at("2026-11-20T10:00:00Z");
            Instant now = clock.instant();
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            MonitorConfig m = Results.monitor("api");
            Instant monthAgo = now.minus(Duration.ofDays(31));
            Instant eightDaysAgo = now.minus(Duration.ofDays(8));
            Instant sixDaysAgo = now.minus(Duration.ofDays(6));
            Instant hourAgo = now.minus(Duration.ofHours(1));
            for (Instant at : new Instant[] {monthAgo, eightDaysAgo, sixDaysAgo, hourAgo}) {
                ProbeResult r = Results.healthy(at, 50);
                assertThat(recorder.record(m, r, at.toEpochMilli() + 50)).isNotNull();
            }
            int bulk = 2 * Retention.BATCH + 7;
            insertRawResults(db, "bulk", now.minus(Duration.ofDays(10)).toEpochMilli(), bulk);
            assertThat(count(db, "SELECT COUNT(*) FROM probe_results")).isEqualTo(bulk + 4);

            long deleted = new Retention(db, STORAGE, clock).run();

            assertThat(startedAt(db, "SELECT started_at FROM probe_results ORDER BY started_at"))
                    .containsExactly(sixDaysAgo.toEpochMilli(), hourAgo.toEpochMilli());
            assertThat(buckets(db, Resolution.MINUTE)).as("no minute row is stored while raw results cover it").isEmpty();
            List<RollupStore.Bucket> minutes = db.read(c -> new RollupStore(db.dialect()).buckets(c, "api", Resolution.MINUTE,
                    monthAgo.toEpochMilli(), now.toEpochMilli()));
            assertThat(minutes).extracting(RollupStore.Bucket::start).containsExactly(Resolution.MINUTE.bucketStart(sixDaysAgo.toEpochMilli()),
                    Resolution.MINUTE.bucketStart(hourAgo.toEpochMilli()));
            assertThat(buckets(db, Resolution.HOUR)).containsExactly(Resolution.HOUR.bucketStart(eightDaysAgo.toEpochMilli()),
                    Resolution.HOUR.bucketStart(sixDaysAgo.toEpochMilli()), Resolution.HOUR.bucketStart(hourAgo.toEpochMilli()));
            assertThat(buckets(db, Resolution.DAY)).containsExactly(Resolution.DAY.bucketStart(eightDaysAgo.toEpochMilli()),
                    Resolution.DAY.bucketStart(sixDaysAgo.toEpochMilli()), Resolution.DAY.bucketStart(hourAgo.toEpochMilli()));
            // raw: the bulk, a month ago and eight days ago; hour and day: a month ago.
            assertThat(deleted).isEqualTo(bulk + 2 + 1 + 1);
            assertThat(new Retention(db, STORAGE, clock).run()).as("a second pass finds nothing").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void minuteRollupsKeptLongerThanRawResultsAreStoredAsRawResultsExpire(Kind kind) throws SQLException {
        assertThat(new StorageSettings("unused", null, null, Duration.ofDays(7), Duration.ofDays(30), 1_000).minuteRollupRetention())
                .as("by default minutes are kept as long as raw results").isEqualTo(Duration.ofDays(7));
        StorageSettings longer = new StorageSettings("unused", null, null, Duration.ofDays(7), Duration.ofDays(30), 1_000, Duration.ofDays(30));
        try (Database db = kind.open()) {
            TestClock clock = TestClock.at("2026-11-20T10:00:00Z");
            Instant now = clock.instant();
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            MonitorConfig m = Results.monitor("api");
            Instant monthAgo = now.minus(Duration.ofDays(31));
            Instant eightDaysAgo = now.minus(Duration.ofDays(8));
            for (Instant at : new Instant[] {monthAgo, eightDaysAgo}) {
                assertThat(recorder.record(m, Results.healthy(at, 50), at.toEpochMilli() + 50)).isNotNull();
            }

            new Retention(db, longer, clock).run();

            assertThat(count(db, "SELECT COUNT(*) FROM probe_results")).as("raw results follow raw_retention").isZero();
            assertThat(buckets(db, Resolution.MINUTE)).containsExactly(Resolution.MINUTE.bucketStart(eightDaysAgo.toEpochMilli()));
            RollupStore.Summary minute = db.read(c -> new RollupStore(db.dialect()).summary(c, "api", Resolution.MINUTE,
                    eightDaysAgo.toEpochMilli(), eightDaysAgo.toEpochMilli() + 1));
            assertThat(minute.probes()).isEqualTo(1);
            assertThat(minute.latency().mean()).isEqualTo(50.0);
            assertThat(minute.phaseMeans()).containsEntry("connect", 5.0);
        }
    }

    @org.junit.jupiter.api.Test
    void onSqliteTheFileShrinksWhenOldResultsGo() throws SQLException {
        try (Database db = Kind.SQLITE.open()) {
            TestClock clock = TestClock.at("2026-11-20T10:00:00Z");
            assertThat(count(db, "PRAGMA auto_vacuum")).as("a new file frees pages incrementally").isEqualTo(2);
            long empty = count(db, "PRAGMA page_count");
            insertRawResults(db, "bulk", clock.instant().minus(Duration.ofDays(10)).toEpochMilli(), 3 * Retention.BATCH);
            long full = count(db, "PRAGMA page_count");
            assertThat(full - empty).as("pages the results took").isGreaterThan(50);

            assertThat(new Retention(db, STORAGE, clock).run()).isEqualTo(3 * Retention.BATCH);

            assertThat(count(db, "PRAGMA freelist_count")).as("no free page left in the file").isZero();
            // What the results took is given back, but for the few pages a table and its indexes keep.
            assertThat(count(db, "PRAGMA page_count")).as("pages empty: %d, with the results: %d", empty, full)
                    .isLessThanOrEqualTo(empty + (full - empty) / 10);
        }
    }

    private static void insertRawResults(Database db, String monitorId, long startedAt, int n) throws SQLException {
        db.transaction(c -> {
            ResultStore results = new ResultStore();
            for (int i = 0; i < n; i++) {
                results.insert(c, monitorId, "default", Results.healthy(Instant.ofEpochMilli(startedAt + i), 12.5), null);
            }
            return n;
        });
    }

    private static List<Long> buckets(Database db, Resolution res) throws SQLException {
        return startedAt(db, "SELECT bucket_start FROM rollup_" + res.wireName() + "s ORDER BY bucket_start");
    }

    private static List<Long> startedAt(Database db, String sql) throws SQLException {
        return db.read(c -> {
            List<Long> out = new ArrayList<>();
            try (var rs = c.createStatement().executeQuery(sql)) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
    }
}
