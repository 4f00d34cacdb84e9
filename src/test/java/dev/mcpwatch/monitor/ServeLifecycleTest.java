package dev.mcpwatch.monitor;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.Switch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * {@code mcpwatch serve} watching real servers that break and mend: incidents open after the
 * failure threshold, resolve after the success threshold, and one monitor's trouble never slows
 * another's probing.
 */
@Timeout(120)
class ServeLifecycleTest {

    @Test
    void brokenServerOpensOneIncidentAfterThreeFailuresAndRecoveryResolvesIt() {
        try (Switch server = new Switch();
                ServeFixture serve = ServeFixture.start(ServeFixture.tempDir("lifecycle"), """
                        monitors:
                          - id: weather
                            url: %s
                        """.formatted(server.url()), Duration.ofSeconds(2), Duration.ofMillis(500))) {
            await("the first healthy probe", Duration.ofSeconds(15), () -> "up".equals(status(serve, "weather")));

            server.set(Switch.Mode.ERROR_503);
            await("an open incident", Duration.ofSeconds(15), () -> serve.get("/api/incidents?status=open").path("items").size() == 1);
            JsonNode incident = serve.get("/api/incidents?status=open").path("items").get(0);
            assertThat(incident.path("monitorId").asString()).isEqualTo("weather");
            assertThat(incident.path("reason").asString()).isEqualTo("http_error");
            assertThat(incident.path("layer").asString()).isEqualTo("http");
            assertThat(incident.path("phase").asString()).isEqualTo("initialize"); // the remembered era is kept through a 503
            assertThat(incident.path("message").asString()).contains("HTTP 503");
            assertThat(incident.path("failingProbes").asInt()).isEqualTo(3);
            assertThat(status(serve, "weather")).isEqualTo("down");
            // Retries every 500 ms after the first failure: confirmation does not wait three intervals.
            assertThat(incident.path("mttdMs").asLong()).isBetween(900L, 6_000L);

            server.set(Switch.Mode.HEALTHY);
            await("the incident resolved", Duration.ofSeconds(15), () -> serve.get("/api/incidents?status=resolved").path("items").size() == 1);
            JsonNode resolved = serve.get("/api/incidents/" + incident.path("id").asLong());
            assertThat(resolved.path("status").asString()).isEqualTo("resolved");
            assertThat(resolved.path("resolution").asString()).isEqualTo("recovered");
            assertThat(resolved.path("mttrMs").asLong()).isPositive();
            // A P1 (initialize fails) posts a public "investigating" at once, and its resolution a "resolved".
            assertThat(resolved.path("timeline")).extracting(e -> e.path("kind").asString() + " " + e.path("detail").path("status").asString(""))
                    .containsExactly("opened ", "status_update investigating", "resolved ", "status_update resolved");
            assertThat(serve.get("/api/incidents").path("items").size()).isEqualTo(1);
            assertThat(status(serve, "weather")).isEqualTo("up");
        }
    }

    @Test
    void singleFailedProbeAmongSuccessesIsSuspectNotAnIncident() {
        try (Switch server = new Switch();
                ServeFixture serve = ServeFixture.start(ServeFixture.tempDir("blip"), """
                        monitors:
                          - id: blip
                            url: %s
                        """.formatted(server.url()), Duration.ofSeconds(2), Duration.ofMillis(700))) {
            await("the first healthy probe", Duration.ofSeconds(15), () -> "up".equals(status(serve, "blip")));
            server.set(Switch.Mode.ERROR_503);
            await("a suspect monitor", Duration.ofSeconds(10), () -> "suspect".equals(status(serve, "blip")));
            server.set(Switch.Mode.HEALTHY);
            await("recovery", Duration.ofSeconds(10), () -> "up".equals(status(serve, "blip")));

            assertThat(serve.get("/api/incidents").path("items").size()).isZero();
        }
    }

    @Test
    void slowServerNeverDelaysTheOthers() {
        try (Switch slow = new Switch();
                FixtureServer fast = FixtureServer.http(dev.mcpwatch.testkit.ScriptedMcp.legacy());
                ServeFixture serve = ServeFixture.start(ServeFixture.tempDir("slow"), """
                        monitors:
                          - id: slow
                            url: %s
                            timeout: 8s
                          - id: unresolvable
                            url: http://no-such-host.invalid/mcp
                          - id: fast
                            url: %s
                        """.formatted(slow.url(), fast.url("/mcp")), Duration.ofSeconds(2), Duration.ofSeconds(1))) {
            slow.set(Switch.Mode.SILENT);
            await("ten probes of the fast monitor", Duration.ofSeconds(40),
                    () -> serve.get("/api/monitors/fast/results?limit=20").path("items").size() >= 10);

            List<Long> starts = new ArrayList<>();
            serve.get("/api/monitors/fast/results?limit=20").path("items").forEach(r -> starts.add(r.path("startedAt").asLong()));
            for (int i = 0; i + 1 < starts.size(); i++) {
                // newest first: each gap is about the 2 s interval, never the 1 s timeout of the silent server
                assertThat(starts.get(i) - starts.get(i + 1)).as("gap between probes of 'fast'").isBetween(1_000L, 3_500L);
            }
            assertThat(serve.get("/api/monitors/fast").path("status").asString()).isEqualTo("up");
            assertThat(serve.get("/api/monitors/unresolvable").path("lastReason").asString()).isEqualTo("dns_unresolved");
            assertThat(serve.get("/api/monitors/slow").path("lastReason").asString()).isEqualTo("timeout");
        }
    }

    private static String status(ServeFixture serve, String id) {
        return serve.get("/api/monitors/" + id).path("status").asString();
    }
}
