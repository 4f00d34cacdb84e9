package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On PostgreSQL the raw results are kept in one partition per UTC day ({@code probe_results} by
 * {@code started_at}, {@code probe_chunks} by {@code span_start}), so that retention drops a day it no
 * longer keeps as one file instead of deleting its rows one by one: no mass DELETE, no dead rows for
 * autovacuum to find, no table that stays as large as its busiest week. A day because raw results
 * are kept 7 days by default: eight or nine partitions to read across, and retention deletes rows
 * only in the one day its cutoff falls in. SQLite keeps one table each (it frees deleted pages
 * itself, {@link Database#reclaimFreePages}); every method here does nothing there.
 *
 * <p>Each table has a DEFAULT partition, so a probe whose day has no partition yet (a clock far
 * off, a node that was down for days) is still written; creating that day's partition later moves
 * its rows out of the default. Days are created {@link #DAYS_AHEAD} ahead by retention, which runs
 * on one node at a time.
 *
 * <p>Locks: creating or dropping a partition takes an ACCESS EXCLUSIVE lock on its parent for the
 * length of its short transaction (PostgreSQL has no way to drop a partition without it; DETACH
 * CONCURRENTLY is refused while a DEFAULT partition exists). While it waits for transactions already
 * reading or writing the table, new ones queue behind it, so each such statement waits at most
 * {@link #LOCK_TIMEOUT} and otherwise gives up until the next pass.
 */
public final class Partitions {
    public static final long DAY = Duration.ofDays(1).toMillis();
    /** Days after today that have their partition before a probe needs it. */
    public static final int DAYS_AHEAD = 3;
    /** How long creating or dropping a partition may wait for its lock (and hold up writers queued behind it). */
    public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(1);
    /** PostgreSQL's SQLSTATE for a lock not granted within lock_timeout. */
    static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Logger log = LoggerFactory.getLogger(Partitions.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd");

    /** A partitioned table and the column of times it is partitioned by. */
    public record Table(String name, String key) {
        String dayPartition(long dayStart) {
            return name + "_p" + NAME.format(LocalDate.ofEpochDay(Math.floorDiv(dayStart, DAY)));
        }

        String defaultPartition() {
            return name + "_default";
        }
    }

    public static final List<Table> TABLES = List.of(new Table("probe_results", "started_at"), new Table("probe_chunks", "span_start"));

    private final Database db;
    private final Duration lockTimeout;

    public Partitions(Database db) {
        this(db, LOCK_TIMEOUT);
    }

    public Partitions(Database db, Duration lockTimeout) {
        this.db = db;
        this.lockTimeout = lockTimeout;
    }

    /** Whether this database keeps raw results partitioned by day. */
    public boolean apply() {
        return db.dialect() == Dialect.POSTGRES;
    }

    /** The start of the UTC day {@code at} falls in. */
    public static long dayStart(long at) {
        return Math.floorDiv(at, DAY) * DAY;
    }

    /**
     * Creates the partitions of today and the {@link #DAYS_AHEAD} days after it that are missing;
     * returns how many it created.
     */
    public int createAhead(long now) throws SQLException {
        if (!apply()) {
            return 0;
        }
        int created = 0;
        for (Table t : TABLES) {
            for (int d = 0; d <= DAYS_AHEAD; d++) {
                long day = dayStart(now) + d * DAY;
                if (briefly(t.dayPartition(day), c -> create(c, t, day))) {
                    created++;
                }
            }
        }
        return created;
    }

    /**
     * Drops every day partition that ends by {@code cutoff} (all its results are older), each in its
     * own transaction; returns how many it dropped. The day the cutoff falls in stays, for retention
     * to delete its older rows.
     */
    public int dropBefore(long cutoff) throws SQLException {
        if (!apply()) {
            return 0;
        }
        int dropped = 0;
        for (Table t : TABLES) {
            for (String partition : db.read(c -> days(c, t))) {
                long day = LocalDate.parse(partition.substring(t.name().length() + 2), NAME).toEpochDay() * DAY;
                if (day + DAY <= cutoff && drop(partition)) {
                    dropped++;
                }
            }
        }
        return dropped;
    }

    private boolean drop(String partition) throws SQLException {
        return briefly(partition, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + partition);
            }
            return true;
        });
    }

    /**
     * Runs DDL on a partition in its own transaction, waiting at most the lock timeout for its
     * table; false when it did nothing or its lock was not free in time (tried again next pass).
     */
    private boolean briefly(String partition, Database.Work<Boolean> ddl) throws SQLException {
        try {
            return db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL lock_timeout = " + lockTimeout.toMillis());
                }
                return ddl.apply(c);
            });
        } catch (SQLException e) {
            if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw e;
            }
            log.warn("partition {} left for the next pass: its table stayed busy for {} ms", partition, lockTimeout.toMillis());
            return false;
        }
    }

    /** The names of the table's day partitions, oldest first. */
    static List<String> days(Connection c, Table t) throws SQLException {
        return Sql.list(c, "SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid "
                + "WHERE i.inhparent = CAST(? AS regclass) AND p.relname <> ? ORDER BY p.relname", rs -> rs.getString(1), t.name(),
                t.defaultPartition());
    }

    /**
     * Creates the partition of the day starting at {@code day} unless it exists; returns whether it
     * created it. Rows already written to the default partition for that day are moved into it (the
     * default is detached meanwhile: PostgreSQL refuses a new partition whose rows are in the default).
     */
    static boolean create(Connection c, Table t, long day) throws SQLException {
        String name = t.dayPartition(day);
        if (Sql.one(c, "SELECT to_regclass(?) IS NOT NULL", rs -> rs.getBoolean(1), name)) {
            return false;
        }
        String bounds = " PARTITION OF " + t.name() + " FOR VALUES FROM (" + day + ") TO (" + (day + DAY) + ")";
        String inDay = " WHERE " + t.key() + " >= " + day + " AND " + t.key() + " < " + (day + DAY);
        boolean strays = Sql.one(c, "SELECT EXISTS (SELECT 1 FROM " + t.defaultPartition() + inDay + ")", rs -> rs.getBoolean(1));
        try (Statement s = c.createStatement()) {
            if (!strays) {
                s.execute("CREATE TABLE " + name + bounds);
                return true;
            }
            s.execute("ALTER TABLE " + t.name() + " DETACH PARTITION " + t.defaultPartition());
            s.execute("CREATE TABLE " + name + bounds);
            s.execute("INSERT INTO " + name + " SELECT * FROM " + t.defaultPartition() + inDay);
            s.execute("DELETE FROM " + t.defaultPartition() + inDay);
            s.execute("ALTER TABLE " + t.name() + " ATTACH PARTITION " + t.defaultPartition() + " DEFAULT");
        }
        return true;
    }
}
