package dev.mcpwatch.alert;

import static dev.mcpwatch.alert.Serving.awaitOpenIncident;
import static dev.mcpwatch.alert.Serving.confirmDown;
import static dev.mcpwatch.alert.Serving.deliveries;
import static dev.mcpwatch.alert.Serving.delivered;
import static dev.mcpwatch.alert.Serving.round;
import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.cli.Main;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.Switch;
import dev.mcpwatch.testkit.TestClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * Escalation and acknowledgement with {@code serve} running: an unacknowledged P1 reaches the next
 * step after its delay; acknowledging (API, signed link, {@code mcpwatch ack}) stops it and is sent
 * to the pager; reminders repeat a set number of times. The first test probes a real server and
 * waits real seconds, end to end; the others run {@code serve} on a {@link TestClock}, record the
 * probes themselves and move the clock past each delay, so a step's timing is exact and free.
 */
@Timeout(120)
class EscalationTest {
    private static final String SECRET = "escalation-test-secret-0123";
    /** A Monday, years ahead: nothing is probed on its own in a clocked serve. */
    private static final Instant T0 = Instant.parse("2030-01-07T10:00:00Z");

    private static ServeFixture serve(String prefix, Switch server, Receiver chat, Receiver pager, String policy) {
        return ServeFixture.start(ServeFixture.tempDir(prefix), """
                monitors:
                  - id: weather
                    url: %s
                alerting:
                  channels:
                    chat: {type: webhook, url: "%s"}
                    pager: {type: pagerduty, routing_key: R0UT1NG, url: "%s"}
                  routes:
                    - name: outages
                      match: {severity: [P1]}
                      channels: [chat]
                      escalation: page
                  escalation_policies:
                    page:
                %s
                  ack: {secret: %s, link_ttl: 1h}
                """.formatted(server.url(), chat.url("/chat"), pager.url("/v2/enqueue"), policy, SECRET) + Serving.FAST_DELIVERY,
                Duration.ofSeconds(2), Duration.ofMillis(500));
    }

    private static ServeFixture clocked(String prefix, TestClock clock, Receiver chat, Receiver pager, String policy) {
        return ServeFixture.startOn(clock, ServeFixture.tempDir(prefix), """
                monitors:
                  - id: weather
                    url: http://127.0.0.1:9/mcp
                alerting:
                  channels:
                    chat: {type: webhook, url: "%s"}
                    pager: {type: pagerduty, routing_key: R0UT1NG, url: "%s"}
                  routes:
                    - name: outages
                      match: {severity: [P1]}
                      channels: [chat]
                      escalation: page
                  escalation_policies:
                    page:
                %s
                  ack: {secret: %s, link_ttl: 1h}
                """.formatted(chat.url("/chat"), pager.url("/v2/enqueue"), policy, SECRET) + Serving.FAST_DELIVERY);
    }

    private static final String PAGER_AFTER_2S = """
                  steps:
                    - after: 2s
                      channels: [pager]
            """;

    @Test
    void unacknowledgedP1GoesToTheNextStepAfterTheDelayAndTheResolutionFollowsEveryone() {
        try (Switch server = new Switch(); Receiver chat = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = serve("escalate", server, chat, pager, PAGER_AFTER_2S)) {
            await("up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));
            server.set(Switch.Mode.ERROR_503);
            long id = awaitOpenIncident(serve);
            await("the chat alert", Duration.ofSeconds(10), () -> delivered(serve, id, "chat", "incident.opened"));
            assertThat(pager.requests()).as("the pager is the next step, not the first").isEmpty();

            await("the escalation to the pager", Duration.ofSeconds(15), () -> !pager.requests().isEmpty());

            JsonNode incident = serve.get("/api/incidents/" + id);
            JsonNode trigger = pager.requests().getFirst().json();
            assertThat(trigger.path("event_action").asString()).isEqualTo("trigger");
            assertThat(trigger.path("dedup_key").asString()).isEqualTo("mcpwatch:weather:incident:" + id);
            JsonNode details = trigger.path("payload").path("custom_details");
            assertThat(details.path("event").asString()).isEqualTo("incident.escalated");
            assertThat(details.path("escalation").path("policy").asString()).isEqualTo("page");
            assertThat(details.path("escalation").path("step").asInt()).isEqualTo(1);
            assertThat(details.path("escalation").path("steps").asInt()).isEqualTo(1);
            assertThat(pager.requests().getFirst().at() - incident.path("detectedAt").asLong()).as("not before the step's delay")
                    .isGreaterThanOrEqualTo(2_000);

            server.set(Switch.Mode.HEALTHY);
            await("the resolution at both", Duration.ofSeconds(20),
                    () -> delivered(serve, id, "chat", "incident.resolved") && delivered(serve, id, "pager", "incident.resolved"));
            assertThat(pager.requests().getLast().json().path("event_action").asString()).isEqualTo("resolve");
            assertThat(pager.requests()).hasSize(2);
        }
    }

    @Test
    void acknowledgingFromTheApiStopsEscalationAndTellsThePager() {
        TestClock clock = new TestClock(T0);
        try (Receiver chat = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = clocked("ack-api", clock, chat, pager, """
                              steps:
                                - after: 1s
                                  channels: [pager]
                                - after: 3s
                                  channels: [chat]
                        """)) {
            long id = confirmDown(serve, clock, "weather");
            clock.advance(Duration.ofSeconds(1));
            round(serve);
            await("the pager triggered by step 1", Duration.ofSeconds(15), () -> !pager.requests().isEmpty());

            Serving.Answer anonymous = Serving.post(serve.base() + "/api/incidents/" + id + "/ack", "application/json", "{\"by\": \"eve\"}");
            assertThat(anonymous.status()).as("acknowledging is a write: it needs an API token").isEqualTo(401);
            String token = serve.apiToken();
            Serving.Answer ack = Serving.post(serve.base() + "/api/incidents/" + id + "/ack", "application/json", "{\"by\": \"alice\"}", token);

            assertThat(ack.status()).isEqualTo(200);
            assertThat(ack.json().path("outcome").asString()).isEqualTo("acknowledged");
            await("the acknowledgement at the pager", Duration.ofSeconds(10), () -> delivered(serve, id, "pager", "incident.acknowledged"));
            JsonNode pagerAck = pager.requests().getLast().json();
            assertThat(pagerAck.path("event_action").asString()).isEqualTo("acknowledge");
            assertThat(pagerAck.path("dedup_key").asString()).isEqualTo("mcpwatch:weather:incident:" + id);
            JsonNode incident = serve.get("/api/incidents/" + id);
            assertThat(incident.path("acknowledgedAt").asLong()).isEqualTo(clock.millis());
            assertThat(incident.path("timeline")).anySatisfy(e -> {
                assertThat(e.path("kind").asString()).isEqualTo("acknowledged");
                assertThat(e.path("detail").path("by").asString()).isEqualTo("alice");
            });
            clock.advance(Duration.ofSeconds(5)); // step 2 was due 3 s after step 1
            round(serve);
            assertThat(deliveries(serve, id, "chat", "incident.escalated")).as("no step 2 after the ack").isEmpty();
            await("the acknowledgement in the chat", Duration.ofSeconds(10), () -> delivered(serve, id, "chat", "incident.acknowledged"));
            assertThat(chat.requests()).extracting(r -> r.json().path("event").asString()).as("no step 2 after the ack")
                    .containsExactly("incident.opened", "incident.acknowledged");
            assertThat(Serving.post(serve.base() + "/api/incidents/" + id + "/ack", "application/json", "", token).json().path("outcome").asString())
                    .isEqualTo("already_acknowledged");
        }
    }

    @Test
    void anEscalationStepIsTakenWhenItsDelayHasPassedNotBefore() {
        TestClock clock = new TestClock(T0);
        try (Receiver chat = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = clocked("step-delay", clock, chat, pager, PAGER_AFTER_2S)) {
            long id = confirmDown(serve, clock, "weather");
            long detected = serve.get("/api/incidents/" + id).path("detectedAt").asLong();

            clock.advance(Duration.ofMillis(1_999));
            round(serve);
            assertThat(deliveries(serve, id, "pager", "incident.escalated")).as("1.999 s after detection").isEmpty();
            clock.advance(Duration.ofMillis(1));
            round(serve);
            assertThat(deliveries(serve, id, "pager", "incident.escalated")).as("2 s after detection").hasSize(1)
                    .allSatisfy(d -> assertThat(d.path("createdAt").asLong() - detected).isEqualTo(2_000));
            await("the escalation at the pager", Duration.ofSeconds(10), () -> delivered(serve, id, "pager", "incident.escalated"));
            assertThat(pager.requests()).singleElement().satisfies(r -> assertThat(r.json().path("payload").path("custom_details")
                    .path("escalation").path("step").asInt()).isEqualTo(1));
        }
    }

    @Test
    void remindersRepeatTheSetNumberOfTimesThenStop() {
        TestClock clock = new TestClock(T0);
        try (Receiver chat = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = clocked("reminders", clock, chat, pager, """
                              repeat: {every: 1s, times: 2}
                        """)) {
            long id = confirmDown(serve, clock, "weather");
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofSeconds(1));
                round(serve);
            }

            assertThat(deliveries(serve, id, "chat", "incident.escalated")).as("two reminders, then no more").hasSize(2);
            await("two reminders", Duration.ofSeconds(15), () -> chat.withJson("event", "incident.escalated").size() == 2);
            List<Receiver.Seen> reminders = chat.withJson("event", "incident.escalated");
            assertThat(reminders).hasSize(2);
            assertThat(reminders).extracting(r -> r.json().path("escalation").path("reminder").asInt()).containsExactly(1, 2);
            assertThat(reminders.getFirst().json().path("summary").asString()).contains("still down, unacknowledged (reminder 1)");
            assertThat(reminders.getFirst().json().path("ack_url").asString()).as("each reminder carries a fresh ack link").isNotEmpty();
        }
    }

    @Test
    void theSignedLinkShowsAConfirmationPageAndAcknowledgesOnlyOnPost() {
        TestClock clock = new TestClock(T0);
        try (Receiver chat = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = clocked("ack-link", clock, chat, pager, PAGER_AFTER_2S)) {
            long id = confirmDown(serve, clock, "weather");
            await("the chat alert", Duration.ofSeconds(10), () -> !chat.requests().isEmpty());
            String link = chat.requests().getFirst().json().path("ack_url").asString();
            assertThat(link).startsWith(serve.base() + "/ack/" + id + ".");

            Serving.Answer page = Serving.get(link);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("<form method=\"post\"").contains("Acknowledge incident " + id);
            assertThat(serve.get("/api/incidents/" + id).path("acknowledgedAt").isNull()).as("a GET (a link preview) acknowledges nothing").isTrue();

            Serving.Answer done = Serving.post(link, "application/x-www-form-urlencoded", "by=bob");
            assertThat(done.status()).isEqualTo(200);
            assertThat(done.body()).contains("Acknowledged.");
            assertThat(serve.get("/api/incidents/" + id).path("acknowledgedAt").asLong()).isPositive();
            assertThat(serve.get("/api/incidents/" + id).path("timeline")).anySatisfy(e -> {
                assertThat(e.path("detail").path("by").asString()).isEqualTo("bob");
                assertThat(e.path("detail").path("via").asString()).isEqualTo("link");
            });

            String tampered = link.substring(0, link.length() - 2) + (link.endsWith("AA") ? "BB" : "AA");
            assertThat(Serving.post(tampered, "application/x-www-form-urlencoded", "").status()).isEqualTo(403);
            String expired = serve.base() + "/ack/" + new AckLinks(SECRET).token(id, clock.millis() - 60_000);
            Serving.Answer old = Serving.get(expired);
            assertThat(old.status()).isEqualTo(403);
            assertThat(old.body()).contains("expired");
            String otherSecret = serve.base() + "/ack/" + new AckLinks("some-other-secret-0123456").token(id, clock.millis() + 60_000);
            assertThat(Serving.get(otherSecret).status()).isEqualTo(403);
        }
    }

    @Test
    void theSignedLinkExpiresAfterItsTimeToLive() {
        TestClock clock = new TestClock(T0);
        try (Receiver chat = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = clocked("ack-link-ttl", clock, chat, pager, PAGER_AFTER_2S)) {
            long id = confirmDown(serve, clock, "weather");
            await("the chat alert", Duration.ofSeconds(10), () -> !chat.requests().isEmpty());
            String link = chat.requests().getFirst().json().path("ack_url").asString();

            clock.advance(Duration.ofMinutes(59));
            assertThat(Serving.get(link).status()).as("within link_ttl (1h)").isEqualTo(200);
            clock.advance(Duration.ofMinutes(2));
            Serving.Answer late = Serving.get(link);
            assertThat(late.status()).isEqualTo(403);
            assertThat(late.body()).contains("expired");
        }
    }

    @Test
    void mcpwatchAckAcknowledgesThroughTheRunningServer() {
        TestClock clock = new TestClock(T0);
        try (Receiver chat = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = clocked("ack-cli", clock, chat, pager, PAGER_AFTER_2S)) {
            long id = confirmDown(serve, clock, "weather");

            Cli refused = cli("ack", Long.toString(id), "--server", serve.base(), "--by", "mallory");
            String token = serve.apiToken();
            Cli first = cli("ack", Long.toString(id), "--server", serve.base(), "--by", "carol", "--token", token);
            Cli second = cli("ack", Long.toString(id), "--server", serve.base(), "--token", token);
            Cli missing = cli("ack", "99999", "--server", serve.base(), "--token", token);
            Cli nobody = cli("ack", Long.toString(id), "--server", "http://127.0.0.1:1");

            assertThat(refused.code()).as("no token, no acknowledgement").isEqualTo(1);
            assertThat(refused.err()).contains("set a password first");
            assertThat(first.code()).isZero();
            assertThat(first.out()).contains("incident " + id + " acknowledged at ");
            assertThat(second.code()).isZero();
            assertThat(second.out()).contains("was already acknowledged");
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.err()).contains("no incident 99999");
            assertThat(nobody.code()).isEqualTo(2);
            assertThat(nobody.err()).contains("no mcpwatch server answers at http://127.0.0.1:1");
            assertThat(serve.get("/api/incidents/" + id).path("timeline")).anySatisfy(e -> {
                assertThat(e.path("detail").path("by").asString()).isEqualTo("carol");
                assertThat(e.path("detail").path("via").asString()).isEqualTo("cli");
            });
        }
    }

    record Cli(int code, String out, String err) {}

    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }
}
