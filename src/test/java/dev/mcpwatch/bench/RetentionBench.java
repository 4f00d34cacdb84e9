package dev.mcpwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Partitions;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.testkit.Databases;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.mcpwatch.store.Dialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What retiring one day of raw results costs on PostgreSQL: deleting its rows in batches from the
 * tables as they were up to V17 (what retention did before V19, and still does in the day its cutoff
 * falls in) against dropping the day's partitions (V19). A day of N monitors at 60 s is generated directly in SQL, in two forms:
 * as rows (every probe a row, as before compaction packs them) and as mcpwatch keeps it after
 * compaction (one chunk of 20 probes per monitor and 20 minutes, failed probes, 1 %, as rows with
 * their detail). Reports the time, the WAL written, and the bytes the tables take afterwards (a
 * DELETE leaves its dead rows in the files until VACUUM, and even then keeps the space). A bench,
 * not a test: it checks that the day went, never how fast.
 *
 * <p>Run: {@code mvn test -Dtest=RetentionBench -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.monitors=1000]};
 * the figures are in {@code target/bench/retention.txt}.
 */
class RetentionBench {
    static final int MONITORS = Integer.getInteger("bench.monitors", 1_000);
    static final long DAY0 = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
    /** Deleted by one statement, as retention's batches. */
    static final int BATCH = 2_000;

    private final StringBuilder out = new StringBuilder();

    @Test
    void deletingADayAgainstDroppingIt() throws Exception {
        print(String.format(Locale.ROOT, "retention bench: one day of %,d monitors at 60 s (%,d probes) on PostgreSQL%n", MONITORS,
                MONITORS * 1_440L));
        for (boolean packed : new boolean[] {false, true}) {
            String form = packed ? "packed (chunks + failed rows)" : "rows (every probe a row)";
            // before: the schema up to V17 (one table each), retention deleting in batches
            Databases.Empty before = Databases.empty(Dialect.POSTGRES);
            Database.migrations(Dialect.POSTGRES).dataSource(before.url(), before.user(), null).target("17").load().migrate();
            try (Connection deleting = DriverManager.getConnection(before.url(), before.user(), null);
                    Database dropping = Databases.postgres()) {
                new Partitions(dropping).createAhead(DAY0);
                long rows = fill(deleting, packed);
                try (Connection c = dropping.writes().getConnection()) {
                    fill(c, packed);
                }
                print(String.format(Locale.ROOT, "%n%s: %,d rows in the day retired, %,d bytes on disk before%n", form, rows, bytes(deleting)));
                measure("V17: DELETE, batches of 2,000", deleting, () -> {
                    ResultStore results = new ResultStore();
                    deleting.setAutoCommit(false);
                    int n;
                    do {
                        n = results.deleteOlderThan(deleting, DAY0 + Partitions.DAY, BATCH);
                        deleting.commit();
                    } while (n > 0);
                    deleting.setAutoCommit(true);
                });
                try (Connection c = dropping.writes().getConnection()) {
                    measure("V19: DROP of the day's partitions", c, () -> assertThat(new Partitions(dropping).dropBefore(DAY0 + Partitions.DAY))
                            .isEqualTo(2));
                    assertThat(count(c, "SELECT COUNT(*) FROM probe_results WHERE started_at < " + (DAY0 + Partitions.DAY))).isZero();
                    assertThat(count(c, "SELECT COUNT(*) FROM probe_results")).isPositive();
                }
                assertThat(count(deleting, "SELECT COUNT(*) FROM probe_results WHERE started_at < " + (DAY0 + Partitions.DAY))).isZero();
                assertThat(count(deleting, "SELECT COUNT(*) FROM probe_chunks WHERE span_start < " + (DAY0 + Partitions.DAY))).isZero();
                run(deleting, "VACUUM");
                print(String.format(Locale.ROOT, "  after VACUUM of the V17 database: %,d bytes on disk (freed space is reused, not returned)%n",
                        bytes(deleting)));
            }
        }
    }

    /** The day to retire and the hour after it (kept), for every monitor; returns the rows of the day. */
    private static long fill(Connection c, boolean packed) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO monitor_keys (monitor_id) SELECT 'm' || k FROM generate_series(1, " + MONITORS + ") k");
            s.execute("INSERT INTO probe_shapes (monitor_key, hash, location, detail) SELECT k, 'h' || k, 'default', '{}' "
                    + "FROM generate_series(1, " + MONITORS + ") k");
            // minute m of the day and hour after it, monitor k; a failed probe in a hundred keeps ~1 KB of detail
            String probes = "FROM generate_series(0, 1439 + 60) m, generate_series(1, " + MONITORS + ") k";
            String start = DAY0 + " + m * 60000 + k * 7";
            String failed = "(m * " + MONITORS + " + k) % 100 = 0";
            s.execute("INSERT INTO probe_results (monitor_key, started_at, healthy, total_us, shape_id, timings, reason, detail) "
                    + "SELECT k, " + start + ", NOT " + failed + ", 40000 + (m * 7919 + k) % 20000, k, "
                    + "CASE WHEN " + failed + " THEN NULL ELSE decode(substr(md5(m || ':' || k), 1, 16), 'hex') END, "
                    + "CASE WHEN " + failed + " THEN 'connection-refused' END, "
                    + "CASE WHEN " + failed + " THEN repeat(md5(k::text), 32) END "
                    + probes + (packed ? " WHERE " + failed : ""));
            if (packed) {
                // 20 probes of ~44 bytes each per chunk (varints: not compressible)
                s.execute("INSERT INTO probe_chunks (monitor_key, span_start, first_at, first_id, last_id, probes, packed) "
                        + "SELECT k, " + DAY0 + " + p * 1200000, " + DAY0 + " + p * 1200000 + k * 7, p * 100000 + k, p * 100000 + k + 19, 20, "
                        + "decode(repeat(md5(p || ':' || k), 27) || substr(md5(k::text), 1, 16), 'hex') "
                        + "FROM generate_series(0, 71 + 3) p, generate_series(1, " + MONITORS + ") k");
            }
            s.execute("VACUUM ANALYZE");
        }
        return count(c, "SELECT COUNT(*) FROM probe_results WHERE started_at < " + (DAY0 + Partitions.DAY))
                + count(c, "SELECT COUNT(*) FROM probe_chunks WHERE span_start < " + (DAY0 + Partitions.DAY));
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
        print(String.format(Locale.ROOT, "  %-34s %8.2f s  WAL %,14d bytes  on disk after %,14d bytes%n", what, seconds, walBytes, bytes(c)));
    }

    /** Bytes of both tables with their indexes and TOAST, every partition counted. */
    private static long bytes(Connection c) throws SQLException {
        // pg_partition_tree lists nothing for a table that is not partitioned (V17): the tables themselves are added
        return count(c, "SELECT SUM(pg_total_relation_size(relid)) FROM (SELECT relid FROM pg_partition_tree('probe_results') "
                + "UNION SELECT relid FROM pg_partition_tree('probe_chunks') UNION SELECT CAST('probe_results' AS regclass) "
                + "UNION SELECT CAST('probe_chunks' AS regclass)) t");
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
            Path file = Path.of("target/bench/retention.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, out.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
