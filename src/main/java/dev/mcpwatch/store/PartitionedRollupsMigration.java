package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.flywaydb.core.api.migration.Context;

/**
 * V20: on PostgreSQL, the hour and day rollups become tables partitioned by month, and the stored
 * minute rollups and tool calls per minute tables partitioned by week ({@link Partitions}), with
 * their rows. SQLite keeps its tables as they are. A Java migration because only one dialect changes
 * and the spans to create depend on the rows there are.
 *
 * <p>Each table keeps its primary key (it already holds {@code bucket_start}, the partition key, so
 * it stays a real uniqueness guarantee across partitions) and its indexes, made again under their
 * names on the partitioned table (PostgreSQL gives every partition its own): the day rows' covering
 * index {@code rollup_days_counts}, which the record sums from, and the age indexes. Hour partitions
 * keep V18's fillfactor, so an open hour's updates stay HOT.
 */
final class PartitionedRollupsMigration extends NumberedMigration {
    /** Spans older than this before the migration get no partition: their rows go to the default one (retention deletes them). */
    private static final long DAYS_BACK = 800;

    PartitionedRollupsMigration() {
        super("20", "rollups partitioned by month, minute rows by week");
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        if (!c.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
            return;
        }
        long now = System.currentTimeMillis();
        for (Partitions.Table t : Stream.of(Partitions.ROLLUPS, Partitions.MINUTES).flatMap(List::stream).toList()) {
            partition(c, t, now);
        }
    }

    /** Replaces the table by a partitioned one with the same columns, key, indexes and rows. */
    private static void partition(Connection c, Partitions.Table t, long now) throws SQLException {
        String old = t.name() + "_unpartitioned";
        List<String> indexes = Sql.list(c, "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = CAST(? AS regclass) "
                + "AND NOT i.indisprimary ORDER BY i.indexrelid", rs -> rs.getString(1), t.name());
        String key = Sql.one(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(? AS regclass) AND contype = 'p'",
                rs -> rs.getString(1), t.name());
        try (Statement s = c.createStatement()) {
            for (String index : Sql.list(c, "SELECT x.relname FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid "
                    + "WHERE i.indrelid = CAST(? AS regclass) AND NOT i.indisprimary", rs -> rs.getString(1), t.name())) {
                s.execute("DROP INDEX " + index);
            }
            String keyName = Sql.one(c, "SELECT conname FROM pg_constraint WHERE conrelid = CAST(? AS regclass) AND contype = 'p'",
                    rs -> rs.getString(1), t.name());
            s.execute("ALTER TABLE " + t.name() + " RENAME TO " + old);
            s.execute("ALTER TABLE " + old + " RENAME CONSTRAINT " + keyName + " TO " + old + "_pkey");
            s.execute("CREATE TABLE " + t.name() + " (LIKE " + old + " INCLUDING DEFAULTS, " + key + ") PARTITION BY RANGE (" + t.key() + ")");
            s.execute("CREATE TABLE " + t.defaultPartition() + " PARTITION OF " + t.name() + " DEFAULT" + t.storage());
            for (long start : spans(c, old, t, now)) {
                Partitions.create(c, t, start);
            }
            s.execute("INSERT INTO " + t.name() + " SELECT * FROM " + old);
            s.execute("DROP TABLE " + old);
            for (String index : indexes) {
                s.execute(index);
            }
        }
    }

    /** The spans that hold rows (within {@link #DAYS_BACK}), the current one, and those ahead. */
    private static TreeSet<Long> spans(Connection c, String table, Partitions.Table t, long now) throws SQLException {
        Partitions.Span span = t.span();
        TreeSet<Long> starts = new TreeSet<>();
        for (long day : Sql.list(c, "SELECT DISTINCT " + t.key() + " / " + Partitions.DAY + " FROM " + table + " WHERE " + t.key() + " >= ?",
                rs -> rs.getLong(1) * Partitions.DAY, now - DAYS_BACK * Partitions.DAY)) {
            starts.add(span.start(day));
        }
        long start = span.start(now);
        for (int d = 0; d <= span.ahead(); d++, start = span.next(start)) {
            starts.add(start);
        }
        return starts;
    }
}
