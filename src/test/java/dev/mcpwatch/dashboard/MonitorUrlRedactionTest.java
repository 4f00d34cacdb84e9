package dev.mcpwatch.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A token in a monitor URL — {@code https://user:${T}@host/mcp?token=${T}} — is used to probe and
 * nowhere else: the monitor page, {@code /api/monitors}, the results' {@code detail.target} and the
 * database all show the URL without user info and with every query value redacted. URLs stored
 * before that are redacted when the server starts.
 */
class MonitorUrlRedactionTest {
    private static final String SECRET = "s3cr3t-t0ken";

    @TempDir
    Path dir;

    private WebFixture web;

    @AfterEach
    void stop() {
        if (web != null) {
            web.close();
        }
    }

    @Test
    void aTokenInTheUrlReachesTheServerAndNoPageApiAnswerOrRow() throws Exception {
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy())) {
            String url = "http://probe:" + SECRET + "@127.0.0.1:" + server.port() + "/mcp?token=" + SECRET + "&region=eu";
            String shown = "http://127.0.0.1:" + server.port() + "/mcp?token=(redacted)&region=(redacted)";
            web = WebFixture.start(dir, "monitors:\n  - {id: secretive, url: '" + url + "'}\n", null, Duration.ofSeconds(2));
            var operator = web.loggedIn();
            ServeFixture.await("a recorded probe", Duration.ofSeconds(30), () -> Databases.count(web.app().database(),
                    "SELECT COUNT(*) FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key WHERE k.monitor_id = 'secretive'") > 0);

            assertThat(server.requests()).as("the probe uses the real URL").anySatisfy(r ->
                    assertThat(r.path()).isEqualTo("/mcp"));
            var list = operator.get("/api/monitors");
            var one = operator.get("/api/monitors/secretive");
            var results = operator.get("/api/monitors/secretive/results");
            var page = operator.get("/monitors/secretive");
            for (var answer : List.of(list, one, results, page)) {
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body()).doesNotContain(SECRET).doesNotContain("probe:");
            }
            assertThat(Json.MAPPER.readTree(one.body()).path("target").asString()).isEqualTo(shown);
            assertThat(Json.MAPPER.readTree(one.body()).path("config").path("url").asString()).isEqualTo(shown);
            JsonNode detail = Json.MAPPER.readTree(results.body()).path("items").get(0).path("detail");
            assertThat(detail.path("target").asString()).isEqualTo(shown);
            assertThat(page.body()).contains(shown.replace("&", "&amp;"));
            Database db = web.app().database();
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM monitors WHERE target LIKE ? OR config LIKE ?",
                    "%" + SECRET + "%", "%" + SECRET + "%")).isZero();
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_results WHERE detail LIKE ?", "%" + SECRET + "%")).isZero();
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_shapes WHERE detail LIKE ?", "%" + SECRET + "%")).isZero();
        }
    }

    @Test
    void urlsStoredBeforeRedactionAreRedactedWhenTheServerStarts() throws Exception {
        String url = "https://me:" + SECRET + "@old.example.com/mcp?key=" + SECRET;
        String shown = "https://old.example.com/mcp?key=(redacted)";
        StorageSettings storage = new StorageSettings("jdbc:sqlite:" + dir.resolve("mcpwatch.db"), null, null, Duration.ofDays(7),
                Duration.ofDays(400), 10_000);
        var gone = new ConfigLoader(Map.<String, String>of()::get).loadText("monitors:\n  - {id: gone, url: '" + url + "'}\n", "old.yaml")
                .monitors().getFirst();
        try (Database db = Database.open(storage)) {
            db.transaction(c -> {
                // A monitor removed from the file long ago, as an older mcpwatch stored it: the sync no longer touches it.
                new MonitorStore().sync(c, List.of(gone), 1_000);
                try (var ps = c.prepareStatement("UPDATE monitors SET target = ?, config = ?, removed_at = 2000 WHERE id = 'gone'")) {
                    ps.setString(1, url);
                    ps.setString(2, "{\"id\":\"gone\",\"url\":\"" + url + "\"}");
                    ps.executeUpdate();
                }
                String detail = "{\"target\":\"" + url + "\",\"transport\":\"streamable-http\",\"healthy\":true}";
                c.createStatement().executeUpdate("INSERT INTO monitor_keys (monitor_id) VALUES ('gone')");
                try (var ps = c.prepareStatement("INSERT INTO probe_shapes (monitor_key, hash, location, detail) "
                        + "SELECT monitor_key, 'old', 'default', ? FROM monitor_keys WHERE monitor_id = 'gone'")) {
                    ps.setString(1, detail);
                    ps.executeUpdate();
                }
                try (var ps = c.prepareStatement("INSERT INTO probe_results (monitor_key, started_at, healthy, total_us, shape_id, detail) "
                        + "SELECT monitor_key, 1500, ?, 12500, id, ? FROM probe_shapes WHERE hash = 'old'")) {
                    ps.setBoolean(1, true);
                    ps.setString(2, detail);
                    ps.executeUpdate();
                }
                return null;
            });
        }

        web = WebFixture.start(dir, "monitors:\n  - {id: other, url: 'http://127.0.0.1:9/mcp', interval: 24h}\n");

        Database db = web.app().database();
        assertThat(Databases.count(db, "SELECT COUNT(*) FROM monitors WHERE target LIKE ? OR config LIKE ?", "%" + SECRET + "%",
                "%" + SECRET + "%")).isZero();
        assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_results WHERE detail LIKE ?", "%" + SECRET + "%")).isZero();
        assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_shapes WHERE detail LIKE ?", "%" + SECRET + "%")).isZero();
        var answer = web.loggedIn().get("/api/monitors/gone");
        assertThat(Json.MAPPER.readTree(answer.body()).path("target").asString()).isEqualTo(shown);
        assertThat(Json.MAPPER.readTree(answer.body()).path("config").path("url").asString()).isEqualTo(shown);
    }
}
