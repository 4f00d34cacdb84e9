package dev.mcpwatch.remediation;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.TestClock;
import dev.mcpwatch.testkit.WebFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Automatic remediation end to end: a real MCP server (its own JVM) is killed, mcpwatch confirms the
 * outage, runs the configured command, which starts the server again, re-probes while it watches,
 * and the incident resolves — the timeline, the alerts and the postmortem draft say what ran and
 * how it went. Then a restart hook over HTTP whose server never comes back, and the guards.
 */
@Timeout(120)
class RemediationTest {
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final String TOKEN = "restart-token-0123456789";

    /**
     * Then the restarted server dies again: the cooldown holds a second remediation back, someone
     * acknowledges and starts the server by hand, and the reliability record keeps the two apart —
     * one remediated, one human-resolved, each with its own time to restore.
     */
    @Test
    void aKilledServerIsStartedAgainByTheCommandAndTheIncidentRecovers(@TempDir Path dir) throws Exception {
        int port = freePort();
        Path script = dir.resolve("restart.sh");
        Files.writeString(script, """
                echo "restarting the server on port $PORT (token $TOKEN)"
                nohup "$JAVA" -cp "$CP" dev.mcpwatch.bench.FastMcpServer "$PORT" > "$DIR/server.log" 2>&1 &
                echo $! > "$DIR/server.pid"
                for i in $(seq 1 100); do grep -q listening "$DIR/server.log" && echo up && exit 0; sleep 0.1; done
                echo "it did not come up"; exit 1
                """);
        Process first = fastServer(port);
        List<Long> started = new ArrayList<>();
        List<Process> byHand = new ArrayList<>();
        try (Receiver hook = Receiver.start(); WebFixture web = WebFixture.start(dir, """
                monitors:
                  - id: weather
                    name: Weather MCP
                    url: http://127.0.0.1:%d/mcp
                    detection: {flapping: {enabled: false}}  # two outages a minute apart are the test, not a flapping server
                    remediation:
                      command: [/bin/sh, %s]
                      env: {PATH: /usr/bin:/bin, JAVA: %s, CP: "%s", PORT: "%d", DIR: %s, TOKEN: %s}
                      timeout: 30s
                      watch: 1m
                alerting:
                  channels:
                    ops: {type: webhook, url: "%s"}
                  routes:
                    - name: outages
                      channels: [ops]
                  delivery: {poll: 200ms, backoff: {initial: 300ms, max: 1s}}
                """.formatted(port, script, JAVA, System.getProperty("java.class.path"), port, dir, TOKEN, hook.url("/hook")), null,
                Duration.ofSeconds(1))) {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).startsWith("listening");
            }
            await("weather up", Duration.ofSeconds(20), () -> status(web).equals("up"));
            first.destroyForcibly().waitFor(); // the process dies; nothing restarts it but mcpwatch

            await("the remediation alert", Duration.ofSeconds(40), () -> !hook.withJson("event", "incident.remediation").isEmpty());
            Files.lines(dir.resolve("server.pid")).map(String::strip).map(Long::parseLong).forEach(started::add);
            await("the incident resolved", Duration.ofSeconds(30), () -> !hook.withJson("event", "incident.resolved").isEmpty());

            JsonNode alert = hook.withJson("event", "incident.remediation").getFirst().json();
            assertThat(alert.path("summary").asString()).startsWith("[P1] Weather MCP automatic remediation: command /bin/sh: exit code 0 after");
            long id = alert.path("incident_id").asLong();
            JsonNode incident = Json.MAPPER.readTree(web.client().get("/api/incidents/" + id).body());
            List<JsonNode> timeline = StreamSupport.stream(incident.path("timeline").spliterator(), false).toList();
            JsonNode attempt = timeline.stream().filter(e -> e.path("kind").asString().equals("remediation")).findFirst().orElseThrow();
            assertThat(attempt.path("detail").path("exit_code").asInt()).isZero();
            assertThat(attempt.path("detail").path("output").asString()).contains("restarting the server on port " + port + " (token (redacted))")
                    .endsWith("up");
            JsonNode outcome = timeline.stream().filter(e -> e.path("kind").asString().equals("remediation_outcome")).findFirst().orElseThrow();
            assertThat(outcome.path("detail").path("outcome").asString()).isEqualTo("recovered");
            assertThat(outcome.path("detail").path("summary").asString()).matches("recovered \\d+ s after remediation");
            assertThat(incident.toString()).doesNotContain(TOKEN);
            assertThat(hook.requests()).extracting(Receiver.Seen::body).noneMatch(b -> b.contains(TOKEN));

            WebFixture.Client api = web.loggedIn(); // from here on the API needs the session
            api.get("/");
            String postmortem = api.get("/api/incidents/" + id + "/postmortem").body();
            assertThat(postmortem).contains("Fix applied by mcpwatch's remediation: command /bin/sh: exit code 0")
                    .contains("Automatic remediation ran 1 time");
            assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM incidents WHERE id = ? AND resolved_by = 'remediation'", id))
                    .as("the recovery is credited to the remediation").isEqualTo(1);

            // The restarted server dies too: the cooldown (10 min) holds the command back; a person restores it.
            started.forEach(pid -> ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().join();
            }));
            await("the second outage confirmed", Duration.ofSeconds(40), () -> hook.withJson("event", "incident.opened").size() == 2);
            long second = hook.withJson("event", "incident.opened").getLast().json().path("incident_id").asLong();
            await("the cooldown holds the command back", Duration.ofSeconds(15), () -> kinds(api, second).contains("remediation_skipped"));
            var ack = api.json("POST", "/api/incidents/" + second + "/ack", "{\"by\": \"alice\"}", Map.of("X-CSRF-Token", api.csrf()));
            assertThat(ack.status()).as(ack.body()).isEqualTo(200);
            Process manual = fastServer(port);
            byHand.add(manual);
            await("the second incident resolved", Duration.ofSeconds(30), () -> hook.withJson("event", "incident.resolved").size() == 2);
            assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM incidents WHERE id = ? AND resolved_by = 'recovery'", second))
                    .isEqualTo(1);

            JsonNode period = Json.MAPPER.readTree(api.get("/api/reliability?monitor=weather&group=none&incidents=true").body())
                    .path("periods").get(0);
            long remediatedMs = mttrMs(api, id);
            long humanMs = mttrMs(api, second);
            assertThat(period.path("incidents").path("outcomes").path("remediated").asInt()).isEqualTo(1);
            assertThat(period.path("incidents").path("outcomes").path("human").asInt()).isEqualTo(1);
            JsonNode byOutcome = period.path("mttr").path("byOutcome");
            assertThat(byOutcome.path("remediated").path("count").asInt()).isEqualTo(1);
            assertThat(byOutcome.path("remediated").path("meanMs").asDouble()).isEqualTo(remediatedMs);
            assertThat(byOutcome.path("human").path("count").asInt()).isEqualTo(1);
            assertThat(byOutcome.path("human").path("meanMs").asDouble()).isEqualTo(humanMs);
            assertThat(period.path("mttr").path("count").asInt()).isEqualTo(2);
            assertThat(period.path("mttr").path("meanMs").asDouble()).isEqualTo((remediatedMs + humanMs) / 2.0);
            assertThat(StreamSupport.stream(period.path("incidentList").spliterator(), false)
                    .map(l -> l.path("id").asLong() + " " + l.path("outcome").asString() + " " + l.path("mttrMs").asLong()))
                    .containsExactlyInAnyOrder(id + " remediated " + remediatedMs, second + " human " + humanMs);
        } finally {
            first.destroyForcibly();
            started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            byHand.forEach(Process::destroyForcibly);
        }
    }

    /** An incident's time to restore as the incident API gives it: detected to resolved. */
    private static long mttrMs(WebFixture.Client api, long incident) throws Exception {
        JsonNode json = Json.MAPPER.readTree(api.get("/api/incidents/" + incident).body());
        assertThat(json.path("mttrMs").asLong()).isEqualTo(json.path("resolvedAt").asLong() - json.path("detectedAt").asLong());
        return json.path("mttrMs").asLong();
    }

    @Test
    void aRestartHookThatDoesNotHelpEscalatesAfterItsWatchAndTheGuardsHoldTheNextAttemptsBack(@TempDir Path dir) throws Exception {
        TestClock clock = new TestClock(Instant.parse("2031-05-01T08:00:00Z"));
        try (Receiver restart = Receiver.start(); Receiver hook = Receiver.start(); Receiver backup = Receiver.start();
                WebFixture web = WebFixture.startOn(clock, dir, """
                monitors:
                  - id: weather
                    url: http://127.0.0.1:9/mcp
                    remediation:
                      http: {method: POST, url: "%s", headers: {Authorization: "Bearer %s"}, body: '{"service": "weather"}'}
                      watch: 2m
                      cooldown: 5m
                      max_per_hour: 2
                alerting:
                  channels:
                    ops: {type: webhook, url: "%s"}
                    backup: {type: webhook, url: "%s"}
                  routes:
                    - name: outages
                      channels: [ops]
                      escalation: to-backup
                  escalation_policies:
                    to-backup:
                      steps:
                        - after: 30m
                          channels: [backup]
                  delivery: {poll: 200ms, backoff: {initial: 300ms, max: 1s}}
                """.formatted(restart.url("/restart"), TOKEN, hook.url("/hook"), backup.url("/backup")))) {
            long first = confirmDown(web, clock);
            await("the restart hook called", Duration.ofSeconds(15), () -> restart.requests().size() == 1);
            Receiver.Seen call = restart.requests().getFirst();
            assertThat(call.method() + " " + call.path() + " " + call.body()).isEqualTo("POST /restart {\"service\": \"weather\"}");
            assertThat(call.header("Authorization")).isEqualTo("Bearer " + TOKEN);
            await("the attempt on the timeline", Duration.ofSeconds(15), () -> kinds(web, first).contains("remediation"));

            clock.advance(Duration.ofMinutes(2).plusSeconds(1));
            await("not recovered after its watch", Duration.ofSeconds(15), () -> kinds(web, first).contains("remediation_outcome"));
            await("the alert saying so", Duration.ofSeconds(15), () -> hook.withJson("event", "incident.remediation").size() == 2);
            assertThat(hook.withJson("event", "incident.remediation").getLast().json().path("summary").asString())
                    .endsWith("automatic remediation: not recovered 2 min after remediation");
            await("escalation moved on at once, 28 minutes before its step was due", Duration.ofSeconds(15),
                    () -> !backup.withJson("event", "incident.escalated").isEmpty());
            recover(web, clock);

            clock.advance(Duration.ofMinutes(1));
            long second = confirmDown(web, clock);
            await("the cooldown holds the second back", Duration.ofSeconds(15), () -> kinds(web, second).contains("remediation_skipped"));
            assertThat(skipReason(web, second)).startsWith("the last attempt was").contains("(cooldown 5m)");
            recover(web, clock);

            clock.advance(Duration.ofMinutes(10));
            long third = confirmDown(web, clock);
            // flapping by now: a P2 opened first, and the confirmed outage took it over as a P1
            await("the third runs", Duration.ofSeconds(15), () -> restart.requests().size() == 2);
            recover(web, clock);
            clock.advance(Duration.ofMinutes(10));
            long fourth = confirmDown(web, clock);
            await("the hourly limit holds the fourth back", Duration.ofSeconds(15), () -> kinds(web, fourth).contains("remediation_skipped"));
            assertThat(skipReason(web, fourth)).isEqualTo("already 2 attempts in the last hour (max_per_hour 2)");
            assertThat(restart.requests()).hasSize(2);
            assertThat(third).isPositive();

            WebFixture.Client api = web.loggedIn();
            api.get("/");
            var refused = api.json("POST", "/api/monitors", "{\"id\": \"added\", \"url\": \"http://127.0.0.1:9/mcp\", "
                    + "\"remediation\": {\"command\": [\"/bin/true\"]}}", Map.of("X-CSRF-Token", api.csrf()));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("remediation: automatic remediation can only be defined in the configuration file");
        }
    }

    @Test
    void aRemediationHasExactlyOneActionAndKnownReasons() {
        var loader = new dev.mcpwatch.configfile.ConfigLoader(k -> null);
        String monitor = "monitors:\n  - id: m\n    url: http://127.0.0.1:9/mcp\n    remediation: ";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.loadText(monitor + "{timeout: 5s}\n", "t.yaml"))
                .hasMessageContaining("t.yaml: monitors[0].remediation: needs exactly one action: command");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.loadText(monitor
                        + "{command: [/bin/true], http: {url: 'https://hooks.example.com/r'}}\n", "t.yaml"))
                .hasMessageContaining("needs exactly one action");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.loadText(monitor + "{command: [/bin/true], on: [connection_refusd]}\n",
                "t.yaml")).hasMessageContaining("monitors[0].remediation.on[0]").hasMessageContaining("must be a failure reason");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.loadText(monitor + "{http: {url: 'ftp://x'}}\n", "t.yaml"))
                .hasMessageContaining("remediation.http.url: must be an http(s) URL");
    }

    private static long confirmDown(WebFixture web, TestClock clock) {
        for (int i = 0; i < 10; i++) {
            var r = web.record("weather", Results.failed(clock.instant()));
            clock.advance(Duration.ofSeconds(1));
            if (r.transition().opened() != null) {
                return r.incidentId();
            }
        }
        throw new AssertionError("not confirmed down");
    }

    private static void recover(WebFixture web, TestClock clock) {
        for (int i = 0; i < 10; i++) {
            var r = web.record("weather", Results.healthy(clock.instant(), 20));
            clock.advance(Duration.ofSeconds(1));
            if (r.transition().resolved() != null) {
                return;
            }
        }
        throw new AssertionError("did not recover");
    }

    private static List<String> kinds(WebFixture web, long incident) {
        return kinds(web.client(), incident);
    }

    private static List<String> kinds(WebFixture.Client client, long incident) {
        try {
            JsonNode json = Json.MAPPER.readTree(client.get("/api/incidents/" + incident).body());
            return StreamSupport.stream(json.path("timeline").spliterator(), false).map(e -> e.path("kind").asString()).toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static String skipReason(WebFixture web, long incident) throws Exception {
        JsonNode json = Json.MAPPER.readTree(web.client().get("/api/incidents/" + incident).body());
        return StreamSupport.stream(json.path("timeline").spliterator(), false).filter(e -> e.path("kind").asString().equals("remediation_skipped"))
                .findFirst().orElseThrow().path("detail").path("why").asString();
    }

    private static String status(WebFixture web) {
        try {
            return Json.MAPPER.readTree(web.client().get("/api/monitors/weather").body()).path("status").asString();
        } catch (Exception e) {
            return "unreachable";
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The MCP server the remediation restarts, as a process of its own (killed in the outage). */
    private static Process fastServer(int port) throws IOException {
        return new ProcessBuilder(JAVA, "-cp", System.getProperty("java.class.path"), "dev.mcpwatch.bench.FastMcpServer",
                Integer.toString(port)).redirectErrorStream(true).start();
    }
}
