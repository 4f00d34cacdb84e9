package dev.mcpwatch.monitor;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.App;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.Http;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.ServeFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The database goes away under a running monitor: a disk that fills up under SQLite (a real tmpfs,
 * filled to the last byte), and a PostgreSQL server that stops and starts again. Probing continues,
 * /health says what is wrong, and every result probed meanwhile reaches the database once it is back.
 */
@Timeout(240)
class DegradedStorageTest {

    @Test
    void fullDiskUnderSqliteKeepsProbingAndLosesNothing() throws Exception {
        Path mount = ServeFixture.tempDir("full-disk");
        run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount.toString());
        try (FixtureServer mcp = FixtureServer.http(ScriptedMcp.legacy())) {
            StorageSettings storage = new StorageSettings("jdbc:sqlite:" + mount.resolve("mcpwatch.db"), null, null,
                    Duration.ofDays(7), Duration.ofDays(400), 10_000);
            try (App app = App.start(config(mcp, storage), null)) {
                String base = "http://127.0.0.1:" + app.port();
                await("probes recorded", Duration.ofSeconds(20), () -> count(base) >= 3);

                Path filler = mount.resolve("filler");
                fill(filler);
                await("/health degraded", Duration.ofSeconds(60), () -> status(base + "/health") == 503);
                await("fallback probing with results waiting", Duration.ofSeconds(30), () -> {
                    JsonNode h = get(base + "/health");
                    return h.path("probing").path("mode").asString().equals("fallback")
                            && h.path("database").path("store").path("pending").asInt() >= 3;
                });
                JsonNode degraded = get(base + "/health");
                assertThat(degraded.path("status").asString()).isEqualTo("degraded");
                assertThat(degraded.path("database").path("store").path("lastError").asString()).containsIgnoringCase("full");
                long recordedBefore = count(base);
                int waiting = degraded.path("database").path("store").path("pending").asInt();

                Files.delete(filler);
                await("/health ok and the database scheduler back", Duration.ofSeconds(60), () -> status(base + "/health") == 200
                        && get(base + "/health").path("probing").path("mode").asString().equals("database"));
                JsonNode healed = get(base + "/health");
                assertThat(healed.path("probing").path("mode").asString()).isEqualTo("database");
                assertThat(healed.path("database").path("store").path("dropped").asLong()).isZero();
                assertThat(count(base)).as("every waiting result written").isGreaterThanOrEqualTo(recordedBefore + waiting);
                long after = count(base);
                await("probing through the database scheduler again", Duration.ofSeconds(15), () -> count(base) > after);
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void postgresqlGoingAwayKeepsProbingAndLosesNothing() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path data = ServeFixture.tempDir("pg-outage");
        EmbeddedPostgres.Builder pg = EmbeddedPostgres.builder().setPort(port).setDataDirectory(data)
                .setCleanDataDirectory(false).setServerConfig("listen_addresses", "127.0.0.1");
        EmbeddedPostgres server = pg.start();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (FixtureServer mcp = FixtureServer.http(ScriptedMcp.legacy())) {
            StorageSettings storage = new StorageSettings(url, "postgres", null, Duration.ofDays(7), Duration.ofDays(400), 10_000);
            try (App app = App.start(config(mcp, storage), null)) {
                String base = "http://127.0.0.1:" + app.port();
                await("probes recorded", Duration.ofSeconds(20), () -> count(base) >= 3);

                server.close();
                await("/health degraded", Duration.ofSeconds(30), () -> status(base + "/health") == 503);
                await("results waiting", Duration.ofSeconds(30),
                        () -> get(base + "/health").path("database").path("store").path("pending").asInt() >= 3);
                int waiting = get(base + "/health").path("database").path("store").path("pending").asInt();

                server = pg.start();
                await("/health ok again", Duration.ofSeconds(60), () -> status(base + "/health") == 200);
                try (Connection c = DriverManager.getConnection(url, "postgres", null); ResultSet rs =
                        c.createStatement().executeQuery("SELECT COUNT(*) FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key WHERE k.monitor_id = 'steady'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("results written after the outage").isGreaterThanOrEqualTo(3L + waiting);
                }
                assertThat(get(base + "/health").path("database").path("store").path("dropped").asLong()).isZero();
            }
        } finally {
            server.close();
        }
    }

    private static McpwatchConfig config(FixtureServer mcp, StorageSettings storage) throws Exception {
        var monitors = new ConfigLoader(k -> null).loadText("""
                monitors:
                  - id: steady
                    url: %s
                """.formatted(mcp.url("/mcp")), "test.yaml").monitors().stream()
                .map(m -> ServeFixture.timing(m, Duration.ofSeconds(1), Duration.ofSeconds(1))).toList();
        return new McpwatchConfig(new ServerSettings("127.0.0.1", 0, null, "test", 16), storage, monitors, null);
    }

    private static long count(String base) {
        JsonNode stats = get(base + "/api/monitors/steady/stats");
        return stats.path("windows").path("24h").path("probes").asLong(0);
    }

    private static void fill(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).toLowerCase().contains("space")) {
                throw full;
            }
        }
    }

    private static JsonNode get(String url) {
        return Http.getJson(url);
    }

    private static int status(String url) {
        return Http.status(url);
    }

    /** Runs a system command; a mount the machine refuses fails the test with the reason, never skips it. */
    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (this test needs root to mount a tmpfs): " + out);
        }
    }
}
