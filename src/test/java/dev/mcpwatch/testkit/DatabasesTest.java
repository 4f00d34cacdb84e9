package dev.mcpwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Dialect;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The database fixture itself: a real PostgreSQL, on loopback only, and a fresh database each time. */
class DatabasesTest {

    @Test
    void embeddedPostgresListensOnLoopbackOnly() throws Exception {
        var server = Databases.server();

        try (var c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW listen_addresses")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("localhost");
        }
        NpmServer.assertLoopbackOnly(server.getPort());
    }

    @Test
    void everyPostgresDatabaseIsNewAndMigrated() throws Exception {
        try (Database a = Databases.postgres(); Database b = Databases.postgres()) {
            assertThat(a.dialect()).isEqualTo(Dialect.POSTGRES);
            assertThat(a.url()).startsWith("jdbc:postgresql://127.0.0.1:").isNotEqualTo(b.url());
            a.transaction(c -> c.createStatement().executeUpdate("INSERT INTO nodes (name, location, version, started_at, heartbeat_at) "
                    + "VALUES ('n1', 'default', 'test', 0, 0)"));

            assertThat(count(a, "nodes")).isEqualTo(1);
            assertThat(count(b, "nodes")).isZero();
            String version = a.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(version).startsWith("PostgreSQL 18.");
        }
    }

    @Test
    void everySqliteDatabaseIsANewFile() throws Exception {
        try (Database a = Databases.sqlite(); Database b = Databases.sqlite()) {
            assertThat(a.dialect()).isEqualTo(Dialect.SQLITE);
            assertThat(a.url()).isNotEqualTo(b.url());
            assertThat(count(a, "probe_results")).isZero();
        }
    }

    private static long count(Database db, String table) throws Exception {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
