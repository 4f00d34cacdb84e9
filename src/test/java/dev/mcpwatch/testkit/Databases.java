package dev.mcpwatch.testkit;

import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Dialect;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Fresh, migrated databases for storage tests: SQLite in a temporary file, or a new database on one
 * embedded PostgreSQL shared by the whole test JVM (real binaries, started on first use, stopped by a
 * shutdown hook). PostgreSQL listens on loopback only; a test that wants a clean slate gets one by
 * {@code CREATE DATABASE}, which takes milliseconds where a new server takes seconds.
 */
public final class Databases {
    /** The two stores mcpwatch supports, as a parameter for tests that must pass on both. */
    public enum Kind {
        SQLITE, POSTGRES;

        public Database open() {
            return this == SQLITE ? sqlite() : postgres();
        }
    }

    private static final Duration RETENTION = StorageSettings.DEFAULT.rawRetention();
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final List<Path> TEMP = new CopyOnWriteArrayList<>();
    private static EmbeddedPostgres postgres;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Databases::cleanUp, "databases-cleanup"));
    }

    private Databases() {}

    /** Both kinds, for {@code @MethodSource}. */
    public static Stream<Kind> kinds() {
        return Stream.of(Kind.values());
    }

    /** A new SQLite database in its own temporary folder (removed when the JVM exits). */
    public static Database sqlite() {
        return Database.open(settings(sqliteUrl(), null));
    }

    /** Where a new, empty database of one dialect is, for an upgrade test to migrate to an old version first. */
    public record Empty(String url, String user) {}

    /** A new, empty database of {@code dialect}: a SQLite file, or a database on the shared embedded PostgreSQL. */
    public static Empty empty(Dialect dialect) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            return new Empty(sqliteUrl(), null);
        }
        String name = "mcpwatch_old_" + NEXT.incrementAndGet() + "_" + System.nanoTime();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new Empty("jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + name, "postgres");
    }

    /** The JDBC URL of a new SQLite file that does not exist yet. */
    public static String sqliteUrl() {
        try {
            Path dir = Files.createTempDirectory("mcpwatch-db-");
            TEMP.add(dir);
            return "jdbc:sqlite:" + dir.resolve("mcpwatch.db");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary folder for SQLite", e);
        }
    }

    /** A new, empty, migrated database on the shared embedded PostgreSQL. */
    public static Database postgres() {
        String name = "mcpwatch_test_" + NEXT.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on the embedded PostgreSQL", e);
        }
        return Database.open(settings("jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + name, "postgres"));
    }

    /** The same database opened again, as a restarted mcpwatch would open it (migrations run again). */
    public static Database reopen(Database db) {
        return Database.open(settings(db.url(), db.dialect() == Dialect.POSTGRES ? "postgres" : null));
    }

    /** An existing SQLite database by URL (one a child process wrote, say). */
    public static Database reopenUrl(String url) {
        return Database.open(settings(url, null));
    }

    /** The shared embedded PostgreSQL, started on first use. */
    public static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        // PostgreSQL's own default, stated so that no one widens it by accident.
                        .setServerConfig("listen_addresses", "localhost")
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
            }
            NpmServer.assertLoopbackOnly(postgres.getPort());
        }
        return postgres;
    }

    /** The single number a {@code SELECT COUNT(*) …} (or any one-value query) answers. */
    public static long count(Database db, String sql, Object... args) {
        try {
            return db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < args.length; i++) {
                        ps.setObject(i + 1, args[i]);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static StorageSettings settings(String url, String user) {
        return new StorageSettings(url, user, null, RETENTION, StorageSettings.DEFAULT.rollupRetention(), 1_000);
    }

    private static synchronized void cleanUp() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("could not stop the embedded PostgreSQL: " + e.getMessage());
            }
        }
        for (Path dir : TEMP) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder; the OS cleans up
            }
        }
    }
}
