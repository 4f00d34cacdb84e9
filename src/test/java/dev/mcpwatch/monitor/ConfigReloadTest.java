package dev.mcpwatch.monitor;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.ServeFixture;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Editing the configuration file of a running {@code serve}: added, changed and removed monitors take
 * effect without a restart; a removed monitor keeps its history; a broken edit is refused and the
 * previous configuration stays in force.
 */
@Timeout(180)
class ConfigReloadTest {

    @Test
    void addedChangedAndRemovedMonitorsTakeEffectWithoutRestart() throws Exception {
        Path dir = ServeFixture.tempDir("reload");
        Path file = dir.resolve("mcpwatch.yaml");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (FixtureServer mcp = FixtureServer.http(ScriptedMcp.legacy())) {
            Files.writeString(file, """
                    monitors:
                      - id: alpha
                        name: Alpha
                        url: %s
                        interval: 10s
                      - id: gone
                        url: http://127.0.0.1:%d/mcp
                        interval: 10s
                        retry_interval: 1s
                    """.formatted(mcp.url("/mcp"), closedPort));
            try (ServeFixture serve = ServeFixture.startWatching(dir, file)) {
                await("alpha probed", Duration.ofSeconds(20), () -> "up".equals(serve.get("/api/monitors/alpha").path("status").asString()));
                await("an incident for gone", Duration.ofSeconds(30),
                        () -> serve.get("/api/incidents?status=open&monitor=gone").path("items").size() == 1);

                Files.writeString(file, """
                        monitors:
                          - id: alpha
                            name: Alpha renamed
                            url: %s
                            interval: 20s
                          - id: beta
                            url: %s
                            interval: 10s
                        """.formatted(mcp.url("/mcp"), mcp.url("/mcp")));
                await("beta added and probed", Duration.ofSeconds(20),
                        () -> "up".equals(serve.get("/api/monitors/beta").path("status").asString()));
                JsonNode alpha = serve.get("/api/monitors/alpha");
                assertThat(alpha.path("name").asString()).isEqualTo("Alpha renamed");
                assertThat(alpha.path("intervalMs").asLong()).isEqualTo(20_000);

                JsonNode gone = serve.get("/api/monitors/gone");
                assertThat(gone.path("removedAt").isNumber()).isTrue();
                assertThat(serve.get("/api/monitors").path("items")).extracting(m -> m.path("id").asString())
                        .containsExactly("alpha", "beta");
                assertThat(serve.get("/api/monitors/gone/results").path("items").size()).as("history of a removed monitor").isPositive();
                JsonNode incident = serve.get("/api/incidents?monitor=gone").path("items").get(0);
                assertThat(incident.path("status").asString()).isEqualTo("resolved");
                assertThat(incident.path("resolution").asString()).isEqualTo("monitor removed");
                long goneProbes = serve.get("/api/monitors/gone/results?limit=500").path("items").size();

                Files.writeString(file, "monitors:\n  - id: alpha\n    url: not a url\n");
                await("the broken edit reported", Duration.ofSeconds(10),
                        () -> !serve.get("/health").path("config").path("lastError").isNull()
                                && serve.get("/health").path("config").has("lastError"));
                assertThat(serve.get("/health").path("config").path("lastError").asString()).contains("monitors[0].url");
                assertThat(serve.get("/api/monitors").path("items")).as("previous configuration in force").hasSize(2);

                Thread.sleep(3_000);
                assertThat(serve.get("/api/monitors/gone/results?limit=500").path("items").size())
                        .as("a removed monitor is no longer probed").isEqualTo(goneProbes);
            }
        }
    }

    @Test
    void aFileThatDoesNotLoadMakesHealthDegradedWithItsErrorUntilItIsFixed() throws Exception {
        Path dir = ServeFixture.tempDir("reload-health");
        Path file = dir.resolve("mcpwatch.yaml");
        try (FixtureServer mcp = FixtureServer.http(ScriptedMcp.legacy())) {
            String good = "monitors:\n  - id: alpha\n    url: %s\n".formatted(mcp.url("/mcp"));
            Files.writeString(file, good);
            try (ServeFixture serve = ServeFixture.startWatching(dir, file)) {
                assertThat(serve.status("/health")).isEqualTo(200);
                assertThat(serve.get("/health").path("status").asString()).isEqualTo("ok");

                Files.writeString(file, "monitors:\n  - id: alpha\n    url: not a url\n");
                // The README's rule: degraded answers 503, with what is wrong.
                await("health degraded", Duration.ofSeconds(10), () -> serve.status("/health") == 503);
                JsonNode health = serve.get("/health");
                assertThat(health.path("status").asString()).isEqualTo("degraded");
                assertThat(health.path("config").path("lastError").asString()).contains("monitors[0].url");

                Files.writeString(file, good.replace("id: alpha", "id: alpha\n    name: Alpha"));
                await("health ok again once the file loads", Duration.ofSeconds(10), () -> serve.status("/health") == 200);
                assertThat(serve.get("/health").path("status").asString()).isEqualTo("ok");
                assertThat(serve.get("/health").path("config").path("lastError").isString()).as("no error any more").isFalse();
            }
        }
    }
}
