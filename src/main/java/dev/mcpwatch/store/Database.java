package dev.mcpwatch.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mcpwatch.config.StorageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * mcpwatch's database: SQLite in a file by default, PostgreSQL by JDBC URL. Migrates the schema on
 * open. SQLite gets one writer connection (SQLite has one writer anyway; a single connection avoids
 * lock errors) and a few reader connections, which WAL mode lets run beside the writer.
 */
public final class Database implements AutoCloseable {
    private final Dialect dialect;
    private final HikariDataSource writes;
    private final HikariDataSource reads;
    private final String url;
    private final Path dataFolder;

    private Database(Dialect dialect, HikariDataSource writes, HikariDataSource reads, String url) {
        this.dialect = dialect;
        this.writes = writes;
        this.reads = reads;
        this.url = url;
        this.dataFolder = dialect.dataFolder(url);
    }

    /** Opens (creating the SQLite file and its folder if needed) and migrates to the current schema. */
    public static Database open(StorageSettings storage) {
        Dialect dialect = Dialect.of(storage.url());
        dialect.beforeMigrations(dialect.dataSource(storage));
        migrations(dialect).dataSource(dialect.dataSource(storage)).load().migrate();
        String name = "mcpwatch-" + dialect.name().toLowerCase(Locale.ROOT);
        HikariDataSource writes = pool(name + "-write", dialect.dataSource(storage), dialect.writers());
        HikariDataSource reads = dialect.readers() == 0 ? writes : pool(name + "-read", dialect.dataSource(storage), dialect.readers());
        return new Database(dialect, writes, reads, storage.url());
    }

    /**
     * Flyway with mcpwatch's migrations for {@code dialect}, the SQL ones and those written in Java: what
     * {@link #open} runs, and what an upgrade test runs up to a version before writing old rows.
     */
    public static FluentConfiguration migrations(Dialect dialect) {
        return Flyway.configure()
                .placeholders(dialect.placeholders())
                .locations("classpath:db/migration")
                .javaMigrations(new BinaryRollupsMigration(), new PartitionedResultsMigration(), new PartitionedRollupsMigration());
    }

    /**
     * Gives the pages deletes freed back to the file system, a batch per transaction (SQLite with
     * incremental auto_vacuum; nothing elsewhere); returns how many batches ran.
     */
    public int reclaimFreePages(int maxBatches) throws SQLException {
        String sql = dialect.reclaimPages();
        int batches = 0;
        while (sql != null && batches < maxBatches && transaction(c -> {
            try (var s = c.createStatement()) {
                long free;
                try (var rs = s.executeQuery("PRAGMA freelist_count")) {
                    free = rs.next() ? rs.getLong(1) : 0;
                }
                if (free == 0) {
                    return false;
                }
                s.execute(sql);
                return true;
            }
        })) {
            batches++;
        }
        return batches;
    }

    /** A SQLite file's size before and after {@link #rewriteFile}, and whether it then gives freed pages back. */
    public record Rewrite(long bytesBefore, long bytesAfter, boolean wasIncremental) {}

    /**
     * Rewrites a SQLite file compactly and switches it to incremental auto_vacuum, which only a
     * rewrite can do for a file made before mcpwatch chose it: such a file reuses the pages retention
     * frees but never gets smaller, so after an upgrade that shrank what a probe stores (issue 17) it
     * keeps its old size. Holds the database's write lock while it runs (a few seconds per 100 MB).
     * Returns null for PostgreSQL, whose autovacuum reuses freed space by itself.
     */
    public Rewrite rewriteFile() throws SQLException {
        if (dialect != Dialect.SQLITE) {
            return null;
        }
        try (Connection c = writes.getConnection(); var s = c.createStatement()) {
            long before = fileBytes(c);
            boolean incremental = pragma(c, "auto_vacuum") == 2;
            s.execute("PRAGMA auto_vacuum = INCREMENTAL");
            s.execute("VACUUM");
            return new Rewrite(before, fileBytes(c), incremental);
        }
    }

    private static long fileBytes(Connection c) throws SQLException {
        return pragma(c, "page_count") * pragma(c, "page_size");
    }

    private static long pragma(Connection c, String name) throws SQLException {
        return Sql.one(c, "PRAGMA " + name, rs -> rs.getLong(1));
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The connections that write (also given to the scheduler). */
    public DataSource writes() {
        return writes;
    }

    public DataSource reads() {
        return reads;
    }

    public String url() {
        return url;
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T transaction(Work<T> work) throws SQLException {
        try (Connection c = writes.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * A write failure as an operator needs to read it. SQLite reports a full disk only on the
     * statement that hit it (later ones fail with confusing transaction errors), so for SQLite the
     * free space of the data folder is checked and named when it is nearly gone.
     */
    public String describeWriteFailure(Exception e) {
        String message = String.valueOf(e.getMessage());
        Long free = freeBytes();
        if (free != null && free < 1024 * 1024) {
            return "disk full: " + free + " bytes free for " + dataFolder + " (" + message + ")";
        }
        return message;
    }

    /** Bytes free for the SQLite data folder, or null for PostgreSQL. */
    public Long freeBytes() {
        if (dataFolder == null) {
            return null;
        }
        try {
            return Files.getFileStore(dataFolder).getUsableSpace();
        } catch (IOException e) {
            return null;
        }
    }

    /** Runs read-only {@code work} on a reader connection. */
    public <T> T read(Work<T> work) throws SQLException {
        try (Connection c = reads.getConnection()) {
            return work.apply(c);
        }
    }

    @Override
    public void close() {
        if (reads != writes) {
            reads.close();
        }
        writes.close();
    }

    /** Work done with a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    private static HikariDataSource pool(String name, DataSource source, int size) {
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName(name);
        cfg.setDataSource(source);
        cfg.setMaximumPoolSize(size);
        cfg.setMinimumIdle(1);
        cfg.setConnectionTimeout(10_000);
        // Start even when the database is down: the monitor keeps probing and buffers results.
        cfg.setInitializationFailTimeout(-1);
        return new HikariDataSource(cfg);
    }
}
