package dev.mcpwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcpwatch db rewrite} on a SQLite file made before mcpwatch chose incremental vacuum: such a
 * file keeps its size after retention (or an upgrade) emptied it, until it is rewritten.
 */
class DbCommandTest {
    @TempDir
    Path dir;

    @Test
    void rewriteShrinksAnOldFileKeepsItsDataAndSwitchesItToIncrementalVacuum() throws Exception {
        Path file = dir.resolve("mcpwatch.db");
        String url = "jdbc:sqlite:" + file;
        Cli.Run token = Cli.mcpwatch(Map.of(), "token", "create", "kept across the rewrite", "--db", url);
        assertThat(token.exitCode()).as(token.toString()).isZero();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // As a file made before mcpwatch chose incremental vacuum: it only reuses its free pages.
            s.execute("PRAGMA auto_vacuum = NONE");
            s.execute("VACUUM");
            s.execute("CREATE TABLE filler (x BLOB)");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) "
                    + "INSERT INTO filler SELECT randomblob(4000) FROM n");
            s.execute("DELETE FROM filler");
            assertThat(pragma(c, "auto_vacuum")).as("an old file does not give pages back").isZero();
        }
        long before = Files.size(file);

        Cli.Run first = Cli.mcpwatch(Map.of(), "db", "rewrite", "--db", url);
        Cli.Run again = Cli.mcpwatch(Map.of(), "db", "rewrite", "--db", url);

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("rewrote " + url).contains("incremental auto_vacuum");
        assertThat(Files.size(file)).isLessThan(before / 4);
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(pragma(c, "auto_vacuum")).as("incremental").isEqualTo(2);
        }
        assertThat(again.out()).contains("rewrote").doesNotContain("incremental auto_vacuum");
        assertThat(Cli.mcpwatch(Map.of(), "token", "list", "--db", url).out()).contains("kept across the rewrite");
    }

    private static long pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
