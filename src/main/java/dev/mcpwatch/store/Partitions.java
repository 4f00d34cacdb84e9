package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On PostgreSQL the tables that retention empties by age are partitioned by time, so that retention
 * drops a span it no longer keeps as one file instead of deleting its rows one by one: no mass DELETE,
 * no dead rows for autovacuum to find, no table that stays as large as its busiest week. SQLite keeps
 * one table each (it frees deleted pages itself, {@link Database#reclaimFreePages}); every method here
 * does nothing there.
 *
 * <p>Spans follow each table's retention, so that a table has a modest number of partitions (each a
 * read for a query that cannot prune by time, and planning work) while the span the cutoff falls in
 * (the only one retention still deletes rows from, and whose freed space waits for its drop) stays
 * small beside what is kept:
 * <ul>
 * <li>raw results ({@code probe_results} by {@code started_at}, {@code probe_chunks} by
 *     {@code span_start}, kept 7 days by default): one partition per UTC <b>day</b>, eight or nine to
 *     read across;
 * <li>hour and day rollups ({@code rollup_hours}, {@code rollup_days}, kept 400 days by default): one
 *     per UTC <b>month</b>, about 14; by day they would be 400 partitions, each probed by every
 *     record or chart query over the year, for tables a thousand times smaller than raw results;
 * <li>stored minute rollups and per-minute tool calls ({@code rollup_minutes},
 *     {@code tool_call_minutes}, kept {@code minute_rollup_retention}: from raw retention up to rollup
 *     retention): one per <b>week</b> (Monday to Monday, UTC), 2 to 58 partitions; a month would leave
 *     up to a month of minute rows' space (1,440 rows per monitor and day) waiting for its drop.
 * </ul>
 *
 * <p>Each table has a DEFAULT partition, so a row whose span has no partition yet (a clock far off,
 * a node that was down for days) is still written; creating that span's partition later moves its
 * rows out of the default. Spans are created ahead ({@link Span#ahead}) by retention, which runs on
 * one node at a time.
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
    private static final DateTimeFormatter DAY_NAME = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter MONTH_NAME = DateTimeFormatter.ofPattern("yyyyMM");

    /** The length of time one partition holds; all start and end at UTC midnight. */
    public enum Span {
        /** Partitions {@code <table>_pYYYYMMDD}. */
        DAY(DAYS_AHEAD),
        /** Monday to Monday; partitions {@code <table>_pYYYYMMDD} of the Monday. */
        WEEK(1),
        /** Partitions {@code <table>_pYYYYMM}. */
        MONTH(1);

        private final int ahead;

        Span(int ahead) {
            this.ahead = ahead;
        }

        /** How many spans after the current one have their partition before a row needs it. */
        public int ahead() {
            return ahead;
        }

        /** The start of the span {@code at} falls in. */
        public long start(long at) {
            LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(at, Partitions.DAY));
            return millis(switch (this) {
                case DAY -> day;
                case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                case MONTH -> day.withDayOfMonth(1);
            });
        }

        /** The start of the span after the one starting at {@code start}. */
        public long next(long start) {
            LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(start, Partitions.DAY));
            return millis(switch (this) {
                case DAY -> day.plusDays(1);
                case WEEK -> day.plusWeeks(1);
                case MONTH -> day.plusMonths(1);
            });
        }

        String suffix(long start) {
            LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(start, Partitions.DAY));
            return (this == MONTH ? MONTH_NAME : DAY_NAME).format(day);
        }

        long parse(String suffix) {
            return millis(this == MONTH ? YearMonth.parse(suffix, MONTH_NAME).atDay(1) : LocalDate.parse(suffix, DAY_NAME));
        }

        private static long millis(LocalDate day) {
            return day.toEpochDay() * Partitions.DAY;
        }
    }

    /**
     * A partitioned table, the column of times it is partitioned by, the span of one partition, and
     * the storage parameters each partition gets ({@code ""} or {@code " WITH (...)"}: PostgreSQL
     * keeps them per partition, a partitioned parent has none).
     */
    public record Table(String name, String key, Span span, String storage) {
        public Table(String name, String key) {
            this(name, key, Span.DAY, "");
        }

        String partition(long start) {
            return name + "_p" + span.suffix(start);
        }

        String defaultPartition() {
            return name + "_default";
        }
    }

    /** Raw results, by day (V19). */
    public static final List<Table> TABLES = List.of(new Table("probe_results", "started_at"), new Table("probe_chunks", "span_start"));
    /** Hour and day rollups, by month (V20); open hours are updated by every probe, so their pages keep room for HOT updates (V18). */
    public static final List<Table> ROLLUPS = List.of(new Table("rollup_hours", "bucket_start", Span.MONTH, " WITH (fillfactor = 70)"),
            new Table("rollup_days", "bucket_start", Span.MONTH, ""));
    /** Stored minute rollups and tool calls per minute, kept as long as minute rollups, by week (V20). */
    public static final List<Table> MINUTES = List.of(new Table("rollup_minutes", "bucket_start", Span.WEEK, ""),
            new Table("tool_call_minutes", "bucket_start", Span.WEEK, ""));
    /** Every partitioned table. */
    public static final List<Table> ALL = Stream.of(TABLES, ROLLUPS, MINUTES).flatMap(List::stream).toList();

    private final Database db;
    private final Duration lockTimeout;

    public Partitions(Database db) {
        this(db, LOCK_TIMEOUT);
    }

    public Partitions(Database db, Duration lockTimeout) {
        this.db = db;
        this.lockTimeout = lockTimeout;
    }

    /** Whether this database keeps tables partitioned by time. */
    public boolean apply() {
        return db.dialect() == Dialect.POSTGRES;
    }

    /** The start of the UTC day {@code at} falls in. */
    public static long dayStart(long at) {
        return Math.floorDiv(at, DAY) * DAY;
    }

    /**
     * Creates, for every partitioned table, the partitions of the current span and the
     * {@link Span#ahead} spans after it that are missing; returns how many it created.
     */
    public int createAhead(long now) throws SQLException {
        if (!apply()) {
            return 0;
        }
        int created = 0;
        for (Table t : ALL) {
            long start = t.span().start(now);
            for (int d = 0; d <= t.span().ahead(); d++, start = t.span().next(start)) {
                long from = start;
                if (briefly(t.partition(from), c -> create(c, t, from))) {
                    created++;
                }
            }
        }
        return created;
    }

    /** {@link #dropBefore(List, long)} of the raw results' days. */
    public int dropBefore(long cutoff) throws SQLException {
        return dropBefore(TABLES, cutoff);
    }

    /**
     * Drops every partition of these tables that ends by {@code cutoff} (all its rows are older), each
     * in its own transaction; returns how many it dropped. The span the cutoff falls in stays, for
     * retention to delete its older rows.
     */
    public int dropBefore(List<Table> tables, long cutoff) throws SQLException {
        if (!apply()) {
            return 0;
        }
        int dropped = 0;
        for (Table t : tables) {
            for (String partition : db.read(c -> days(c, t))) {
                long start = t.span().parse(partition.substring(t.name().length() + 2));
                if (t.span().next(start) <= cutoff && drop(partition)) {
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

    /** The names of the table's partitions but the default, oldest first. */
    static List<String> days(Connection c, Table t) throws SQLException {
        return Sql.list(c, "SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid "
                + "WHERE i.inhparent = CAST(? AS regclass) AND p.relname <> ? ORDER BY p.relname", rs -> rs.getString(1), t.name(),
                t.defaultPartition());
    }

    /**
     * Creates the partition of the span starting at {@code start} unless it exists; returns whether it
     * created it. Rows already written to the default partition for that span are moved into it (the
     * default is detached meanwhile: PostgreSQL refuses a new partition whose rows are in the default).
     */
    static boolean create(Connection c, Table t, long start) throws SQLException {
        String name = t.partition(start);
        if (Sql.one(c, "SELECT to_regclass(?) IS NOT NULL", rs -> rs.getBoolean(1), name)) {
            return false;
        }
        long end = t.span().next(start);
        String bounds = " PARTITION OF " + t.name() + " FOR VALUES FROM (" + start + ") TO (" + end + ")" + t.storage();
        String inDay = " WHERE " + t.key() + " >= " + start + " AND " + t.key() + " < " + end;
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
