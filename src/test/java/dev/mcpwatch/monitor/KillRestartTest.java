package dev.mcpwatch.monitor;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.ServeProcess;
import dev.mcpwatch.testkit.Switch;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} of a real {@code mcpwatch serve} process in every state of the incident state
 * machine, then a restart on the same data: no incident lost, none duplicated, and probing resumes
 * within one interval.
 */
@Timeout(240)
class KillRestartTest {
    private static final String MONITOR = """
            monitors:
              - id: api
                url: %s
                interval: 10s
                retry_interval: 1s
                thresholds: {failure: 3, success: 3}
            """;

    @Test
    void killedWhileSuspectKeepsCountingAndOpensExactlyOneIncident() throws Exception {
        try (Switch server = new Switch(); ServeProcess serve = new ServeProcess(ServeFixture.tempDir("kill-suspect"),
                MONITOR.formatted(server.url())).start()) {
            await("up", Duration.ofSeconds(30), () -> "up".equals(status(serve)));
            server.set(Switch.Mode.ERROR_503);
            await("suspect", Duration.ofSeconds(20), () -> "suspect".equals(status(serve)));
            long killedAt = System.currentTimeMillis();
            serve.kill9();
            serve.start();

            await("an open incident", Duration.ofSeconds(40), () -> incidents(serve, "open") == 1);
            JsonNode incident = serve.get("/api/incidents").path("items").get(0);
            assertThat(incident.path("onsetAt").asLong()).as("onset is the first failure, before the kill").isLessThan(killedAt);
            server.set(Switch.Mode.HEALTHY);
            await("resolved", Duration.ofSeconds(40), () -> incidents(serve, "resolved") == 1);
            assertThat(incidents(serve, null)).isEqualTo(1);
        }
    }

    @Test
    void killedWhileDownKeepsTheOneOpenIncidentAndResolvesItOnce() throws Exception {
        try (Switch server = new Switch(); ServeProcess serve = new ServeProcess(ServeFixture.tempDir("kill-down"),
                MONITOR.formatted(server.url())).start()) {
            await("up", Duration.ofSeconds(30), () -> "up".equals(status(serve)));
            server.set(Switch.Mode.ERROR_503);
            await("an open incident", Duration.ofSeconds(30), () -> incidents(serve, "open") == 1);
            long id = serve.get("/api/incidents").path("items").get(0).path("id").asLong();
            serve.kill9();
            serve.start();

            assertThat(status(serve)).isEqualTo("down");
            assertThat(incidents(serve, "open")).isEqualTo(1);
            server.set(Switch.Mode.HEALTHY);
            await("resolved", Duration.ofSeconds(40), () -> incidents(serve, "resolved") == 1);
            assertThat(incidents(serve, null)).isEqualTo(1);
            assertThat(serve.get("/api/incidents/" + id).path("status").asString()).isEqualTo("resolved");
        }
    }

    @Test
    void killedWhileRecoveringResolvesExactlyOnce() throws Exception {
        try (Switch server = new Switch(); ServeProcess serve = new ServeProcess(ServeFixture.tempDir("kill-recovering"),
                MONITOR.formatted(server.url())).start()) {
            await("up", Duration.ofSeconds(30), () -> "up".equals(status(serve)));
            server.set(Switch.Mode.ERROR_503);
            await("an open incident", Duration.ofSeconds(30), () -> incidents(serve, "open") == 1);
            server.set(Switch.Mode.HEALTHY);
            await("a success while still down", Duration.ofSeconds(20), () -> {
                JsonNode m = serve.get("/api/monitors/api");
                return "down".equals(m.path("status").asString()) && m.path("lastHealthy").asBoolean(false);
            });
            serve.kill9();
            serve.start();

            await("resolved", Duration.ofSeconds(40), () -> incidents(serve, "resolved") == 1);
            assertThat(incidents(serve, null)).isEqualTo(1);
            assertThat(status(serve)).isEqualTo("up");
        }
    }

    @Test
    void probingResumesWithinOneIntervalOfARestart() throws Exception {
        try (Switch server = new Switch(); ServeProcess serve = new ServeProcess(ServeFixture.tempDir("kill-resume"),
                MONITOR.formatted(server.url())).start()) {
            await("two probes", Duration.ofSeconds(40), () -> results(serve) >= 2);
            serve.kill9();
            int before = results(serve.start());
            long restarted = System.currentTimeMillis();

            await("a probe after the restart", Duration.ofSeconds(15), () -> results(serve) > before);
            assertThat(System.currentTimeMillis() - restarted).isLessThan(11_000);
        }
    }

    private static String status(ServeProcess serve) {
        return serve.get("/api/monitors/api").path("status").asString();
    }

    private static int incidents(ServeProcess serve, String status) {
        return serve.get("/api/incidents" + (status == null ? "" : "?status=" + status)).path("items").size();
    }

    private static int results(ServeProcess serve) {
        return serve.get("/api/monitors/api/results?limit=500").path("items").size();
    }
}
