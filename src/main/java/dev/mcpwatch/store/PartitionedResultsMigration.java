package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.flywaydb.core.api.migration.Context;

/**
 * V19: on PostgreSQL, {@code probe_results} and {@code probe_chunks} become tables partitioned by
 * day ({@link Partitions}), with their rows. SQLite keeps its tables as they are. A Java migration
 * because only one dialect changes and the days to create depend on the rows there are.
 *
 * <p>A partitioned table's primary key must hold its partition key, so the keys become
 * {@code (id, started_at)} and {@code (id, span_start)}; ids stay unique (one identity sequence,
 * continued from the old one), and a read by id alone is an index read in each partition. The unique
 * index on a chunk's monitor and span (what stops two compactions of a span from both inserting)
 * already holds the partition key, so it stays unique across partitions.
 */
final class PartitionedResultsMigration extends NumberedMigration {
    /** Days older than this before the migration get no partition: their rows go to the default one (retention deletes them). */
    private static final int DAYS_BACK = 400;

    PartitionedResultsMigration() {
        super("19", "raw results partitioned by day");
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        if (!c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
            return;
        }
        long today = Partitions.dayStart(System.currentTimeMillis());
        for (Partitions.Table t : Partitions.TABLES) {
            partition(c, t, today);
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE INDEX probe_results_monitor_time ON probe_results (monitor_key, started_at)");
            s.execute("CREATE INDEX probe_results_time ON probe_results (started_at)");
            s.execute("CREATE UNIQUE INDEX probe_chunks_monitor_span ON probe_chunks (monitor_key, span_start)");
            s.execute("CREATE INDEX probe_chunks_span ON probe_chunks (span_start)");
        }
    }

    /** Replaces the table by a partitioned one with the same columns, rows and next id. */
    private static void partition(Connection c, Partitions.Table t, long today) throws SQLException {
        String old = t.name() + "_unpartitioned";
        try (Statement s = c.createStatement()) {
            // the indexes are made again on the new table under their names (probe_results' key kept V13's name, compact_results_pkey)
            for (String index : Sql.list(c, "SELECT x.relname FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid "
                    + "WHERE i.indrelid = CAST(? AS regclass) AND NOT i.indisprimary", rs -> rs.getString(1), t.name())) {
                s.execute("DROP INDEX " + index);
            }
            String key = Sql.one(c, "SELECT conname FROM pg_constraint WHERE conrelid = CAST(? AS regclass) AND contype = 'p'",
                    rs -> rs.getString(1), t.name());
            s.execute("ALTER TABLE " + t.name() + " RENAME TO " + old);
            s.execute("ALTER TABLE " + old + " RENAME CONSTRAINT " + key + " TO " + old + "_pkey");
            s.execute("CREATE TABLE " + t.name() + " (LIKE " + old + " INCLUDING DEFAULTS INCLUDING IDENTITY, PRIMARY KEY (id, " + t.key()
                    + ")) PARTITION BY RANGE (" + t.key() + ")");
            s.execute("CREATE TABLE " + t.defaultPartition() + " PARTITION OF " + t.name() + " DEFAULT");
            for (long day : days(c, old, t.key(), today)) {
                Partitions.create(c, t, day);
            }
            s.execute("INSERT INTO " + t.name() + " SELECT * FROM " + old);
            String oldIds = Sql.one(c, "SELECT pg_get_serial_sequence(?, 'id')", rs -> rs.getString(1), old);
            String ids = Sql.one(c, "SELECT pg_get_serial_sequence(?, 'id')", rs -> rs.getString(1), t.name());
            s.execute("SELECT setval('" + ids + "', last_value, is_called) FROM " + oldIds);
            s.execute("DROP TABLE " + old);
            // while the old table held probe_chunks_id_seq the new one's got another name; now it can have the usual one
            if (Sql.one(c, "SELECT to_regclass(?) IS NULL", rs -> rs.getBoolean(1), t.name() + "_id_seq")) {
                s.execute("ALTER SEQUENCE " + ids + " RENAME TO " + t.name() + "_id_seq");
            }
        }
    }

    /** The days that hold rows (within {@link #DAYS_BACK}), today, and the days ahead. */
    private static List<Long> days(Connection c, String table, String key, long today) throws SQLException {
        long from = today - DAYS_BACK * Partitions.DAY;
        TreeSet<Long> days = new TreeSet<>(Sql.list(c, "SELECT DISTINCT " + key + " / " + Partitions.DAY + " FROM " + table + " WHERE " + key
                + " >= ?", rs -> rs.getLong(1) * Partitions.DAY, from));
        for (int d = 0; d <= Partitions.DAYS_AHEAD; d++) {
            days.add(today + d * Partitions.DAY);
        }
        return new ArrayList<>(days);
    }
}
