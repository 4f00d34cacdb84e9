package dev.mcpwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Dialect;
import dev.mcpwatch.store.Partitions;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.testkit.Databases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What retiring one month of hour rollups costs on PostgreSQL: deleting its rows one hour bucket per
 * transaction from the table as it was up to V19 (what retention did before V20, and still does in
 * the month its cutoff falls in) against dropping the month's partition (V20). November of N
 * monitors is generated directly in SQL (one row per monitor and hour, ~120 bytes of figures), plus
 * the first day of December, which is kept. Reports the time, the WAL written and the bytes the table
 * takes afterwards. A bench, not a test: it checks that the month went, never how fast.
 *
 * <p>Run: {@code mvn test -Dtest=RollupRetentionBench -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.monitors=1000]};
 * the figures are in {@code target/bench/rollup-retention.txt}.
 */
class RollupRetentionBench {
    static final int MONITORS = Integer.getInteger("bench.monitors", 1_000);
    static final long MONTH0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    static final long MONTH1 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    private final StringBuilder out = new StringBuilder();

    @Test
    void deletingAMonthOfHoursAgainstDroppingIt() throws Exception {
        print(String.format(Locale.ROOT, "rollup retention bench: November's hour rollups of %,d monitors (%,d rows) on PostgreSQL%n", MONITORS,
                MONITORS * 720L));
        Databases.Empty before = Databases.empty(Dialect.POSTGRES);
        Database.migrations(Dialect.POSTGRES).dataSource(before.url(), before.user(), null).target("19").load().migrate();
        try (Connection deleting = DriverManager.getConnection(before.url(), before.user(), null); Database dropping = Databases.postgres()) {
            new Partitions(dropping).createAhead(MONTH0);
            new Partitions(dropping).createAhead(MONTH1);
            fill(deleting);
            try (Connection c = dropping.writes().getConnection()) {
                fill(c);
            }
            try (Connection c = dropping.writes().getConnection()) {
                print(String.format(Locale.ROOT, "on disk before: V19 %,d bytes, V20 %,d bytes%n", bytes(deleting), bytes(c)));
            }
            measure("V19: DELETE, an hour per transaction", deleting, () -> {
                RollupStore rollups = new RollupStore(Dialect.POSTGRES);
                deleting.setAutoCommit(false);
                while (rollups.deleteOldestBucket(deleting, Resolution.HOUR, MONTH1) > 0) {
                    deleting.commit();
                }
                deleting.commit();
                deleting.setAutoCommit(true);
            });
            try (Connection c = dropping.writes().getConnection()) {
                measure("V20: DROP of the month's partition", c,
                        () -> assertThat(new Partitions(dropping).dropBefore(List.of(Partitions.ROLLUPS.getFirst()), MONTH1)).isOne());
                assertThat(count(c, "SELECT COUNT(*) FROM rollup_hours WHERE bucket_start < " + MONTH1)).isZero();
                assertThat(count(c, "SELECT COUNT(*) FROM rollup_hours")).isEqualTo(MONITORS * 24L);
            }
            assertThat(count(deleting, "SELECT COUNT(*) FROM rollup_hours WHERE bucket_start < " + MONTH1)).isZero();
            run(deleting, "VACUUM");
            print(String.format(Locale.ROOT, "  after VACUUM of the V19 database: %,d bytes on disk (freed space is reused, not returned)%n",
                    bytes(deleting)));
        }
    }

    /** November's hours and December's first day for every monitor. */
    private static void fill(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO monitor_keys (monitor_id) SELECT 'm' || k FROM generate_series(1, " + MONITORS + ") k");
            // figures: ~120 bytes that do not compress, as a packed sketch and phase sums
            s.execute("INSERT INTO rollup_hours (bucket_start, monitor_key, probes, failures, location_key, figures) "
                    + "SELECT " + MONTH0 + " + h::bigint * 3600000, k, 60, (h + k) % 3, 1, decode(repeat(md5(h || ':' || k), 7) || substr(md5(k::text), 1, 16), 'hex') "
                    + "FROM generate_series(0, 720 + 23) h, generate_series(1, " + MONITORS + ") k");
            s.execute("VACUUM ANALYZE");
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private void measure(String what, Connection c, Step step) throws Exception {
        run(c, "CHECKPOINT");
        long walBefore = count(c, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')");
        long started = System.nanoTime();
        step.run();
        double seconds = (System.nanoTime() - started) / 1e9;
        long walBytes = count(c, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')") - walBefore;
        print(String.format(Locale.ROOT, "  %-38s %8.2f s  WAL %,14d bytes  on disk after %,14d bytes%n", what, seconds, walBytes, bytes(c)));
    }

    /** Bytes of rollup_hours with its indexes, every partition counted. */
    private static long bytes(Connection c) throws SQLException {
        // pg_partition_tree lists nothing for a table that is not partitioned (V19)
        return count(c, "SELECT COALESCE((SELECT SUM(pg_total_relation_size(relid)) FROM pg_partition_tree('rollup_hours')), "
                + "pg_total_relation_size('rollup_hours'))");
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void print(String s) {
        out.append(s);
        System.out.print(s);
        System.out.flush();
        try {
            Path file = Path.of("target/bench/rollup-retention.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, out.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
