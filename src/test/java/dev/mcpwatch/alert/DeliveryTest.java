package dev.mcpwatch.alert;

import static dev.mcpwatch.alert.Serving.awaitOpenIncident;
import static dev.mcpwatch.alert.Serving.deliveries;
import static dev.mcpwatch.alert.Serving.delivered;
import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.Switch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Delivery that loses nothing, with {@code serve} watching a server that breaks and real receivers
 * on loopback: a receiver that is down, one that fails then succeeds, one that is slow, and an
 * incident's events kept in order.
 */
@Timeout(120)
class DeliveryTest {
    private static final String CONFIG = """
            monitors:
              - id: weather
                url: %s
            alerting:
              channels:
            %s
              routes:
                - name: everything
                  channels: [%s]
            """ + Serving.FAST_DELIVERY;

    private static ServeFixture serve(String prefix, Switch server, String channels, String names) {
        return ServeFixture.start(ServeFixture.tempDir(prefix), CONFIG.formatted(server.url(), channels, names), Duration.ofSeconds(2),
                Duration.ofMillis(500));
    }

    @Test
    void receiverDownForAWhileGetsTheAlertOnceItIsBack() {
        try (Switch server = new Switch(); Receiver hook = Receiver.down();
                ServeFixture serve = serve("down-then-back", server, "    ops: {type: webhook, url: \"%s\"}".formatted(hook.url("/hook")), "ops")) {
            await("up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));
            server.set(Switch.Mode.ERROR_503);
            long id = awaitOpenIncident(serve);

            await("three failed attempts", Duration.ofSeconds(20), () -> deliveries(serve, id).getFirst().path("log").size() >= 3);
            JsonNode waiting = deliveries(serve, id).getFirst();
            assertThat(waiting.path("status").asString()).isEqualTo("pending");
            assertThat(waiting.path("log")).allSatisfy(a -> {
                assertThat(a.path("outcome").asString()).isEqualTo("retry");
                assertThat(a.path("error").asString()).startsWith("ConnectException");
                assertThat(a.path("latencyMs").isNumber()).isTrue();
            });
            assertThat(serve.get("/api/incidents/" + id).path("notifiedAt").isNull()).isTrue();

            hook.up();
            await("delivered", Duration.ofSeconds(20), () -> delivered(serve, id, "ops", "incident.opened"));

            assertThat(hook.withJson("event", "incident.opened")).hasSize(1);
            JsonNode incident = serve.get("/api/incidents/" + id);
            assertThat(incident.path("notifiedAt").asLong()).isGreaterThanOrEqualTo(incident.path("detectedAt").asLong());
            assertThat(incident.path("mttdMs").asLong()).isEqualTo(incident.path("notifiedAt").asLong() - incident.path("onsetAt").asLong());
            assertThat(incident.path("timeline")).extracting(e -> e.path("kind").asString()).contains("opened", "notified");
        }
    }

    @Test
    void receiverAnswering500Then200GetsTheAlertOnceAndBothAttemptsAreRecorded() {
        AtomicInteger calls = new AtomicInteger();
        try (Switch server = new Switch(); Receiver hook = Receiver.start();
                ServeFixture serve = serve("500-then-200", server, "    ops: {type: webhook, url: \"%s\"}".formatted(hook.url("/hook")), "ops")) {
            hook.answer(http -> {
                if (calls.getAndIncrement() == 0) {
                    http.respond(500, "text/plain", "internal error");
                } else {
                    http.respond(200, "text/plain", "ok");
                }
            });
            await("up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));
            server.set(Switch.Mode.ERROR_503);
            long id = awaitOpenIncident(serve);

            await("delivered", Duration.ofSeconds(20), () -> delivered(serve, id, "ops", "incident.opened"));

            List<dev.mcpwatch.testkit.Receiver.Seen> opened = hook.withJson("event", "incident.opened");
            assertThat(opened).hasSize(2);
            assertThat(opened).extracting(r -> r.header("X-Mcpwatch-Delivery")).as("one delivery, attempted twice").containsOnly(
                    opened.getFirst().header("X-Mcpwatch-Delivery"));
            JsonNode d = deliveries(serve, id, "ops", "incident.opened").getFirst();
            assertThat(d.path("attempts").asInt()).isEqualTo(2);
            assertThat(d.path("log")).extracting(a -> a.path("outcome").asString() + " " + a.path("responseCode").asInt())
                    .containsExactly("retry 500", "delivered 200");
            assertThat(d.path("log").get(0).path("error").asString()).isEqualTo("HTTP 500: internal error");
            assertThat(d.path("log").get(1).path("startedAt").asLong()).isGreaterThan(d.path("log").get(0).path("startedAt").asLong());
        }
    }

    @Test
    void slowReceiverHoldsUpNeitherProbingNorOtherChannels() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Switch server = new Switch(); Receiver slow = Receiver.start(); Receiver fast = Receiver.start();
                ServeFixture serve = serve("slow-receiver", server, """
                            slow: {type: webhook, url: "%s", timeout: 60s, concurrency: 1}
                            fast: {type: webhook, url: "%s"}
                        """.formatted(slow.url("/slow"), fast.url("/fast")), "slow, fast")) {
            slow.answer(http -> {
                release.await(60, TimeUnit.SECONDS);
                http.respond(200, "text/plain", "ok");
            });
            await("up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));
            server.set(Switch.Mode.ERROR_503);
            long id = awaitOpenIncident(serve);

            await("the slow receiver holding the alert", Duration.ofSeconds(15), () -> !slow.requests().isEmpty());
            await("the fast receiver served meanwhile", Duration.ofSeconds(15), () -> delivered(serve, id, "fast", "incident.opened"));
            int probes = results(serve);
            await("probing going on", Duration.ofSeconds(15), () -> results(serve) >= probes + 3);
            server.set(Switch.Mode.HEALTHY);
            await("the resolution at the fast receiver", Duration.ofSeconds(20), () -> delivered(serve, id, "fast", "incident.resolved"));
            assertThat(release.getCount()).as("all this while the slow receiver still held its first request").isEqualTo(1);
            assertThat(slow.requests()).hasSize(1);

            release.countDown();
            await("the slow receiver's deliveries", Duration.ofSeconds(20), () -> delivered(serve, id, "slow", "incident.resolved"));
            assertThat(slow.requests()).extracting(r -> r.json().path("event").asString()).containsExactly("incident.opened", "incident.resolved");
        }
    }

    @Test
    void anIncidentsEventsReachAChannelInOrderEvenWhenTheFirstNeedsRetries() {
        AtomicInteger calls = new AtomicInteger();
        try (Switch server = new Switch(); Receiver hook = Receiver.start();
                ServeFixture serve = serve("in-order", server, "    ops: {type: webhook, url: \"%s\"}".formatted(hook.url("/hook")), "ops")) {
            hook.answer(http -> {
                if (calls.getAndIncrement() < 4) {
                    http.respond(503, "text/plain", "busy");
                } else {
                    http.respond(200, "text/plain", "ok");
                }
            });
            await("up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));
            server.set(Switch.Mode.ERROR_503);
            long id = awaitOpenIncident(serve);
            server.set(Switch.Mode.HEALTHY);

            await("the resolution delivered", Duration.ofSeconds(30), () -> delivered(serve, id, "ops", "incident.resolved"));

            List<String> events = hook.requests().stream().map(r -> r.json().path("event").asString()).toList();
            assertThat(events.indexOf("incident.resolved")).as("resolved only after opened got through: " + events)
                    .isGreaterThan(events.lastIndexOf("incident.opened"));
            assertThat(deliveries(serve, id, "ops", "incident.opened").getFirst().path("attempts").asInt()).isGreaterThan(1);
        }
    }

    @Test
    void aTricklingSmtpServerIsCutOffAtTheDeadlineAndTheAttemptRecorded() throws Exception {
        try (Switch server = new Switch(); java.net.ServerSocket smtp = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
                ServeFixture serve = serve("trickle", server, """
                            mail:
                              type: email
                              timeout: 1s
                              from: mcpwatch@example.com
                              to: [oncall@example.com]
                              smtp: {host: 127.0.0.1, port: %d, security: none}
                        """.formatted(smtp.getLocalPort()), "mail")) {
            Thread.ofVirtual().start(() -> {
                // one byte of a greeting every 300 ms, forever: each read succeeds, so per-read timeouts never fire
                while (!smtp.isClosed()) {
                    try {
                        java.net.Socket s = smtp.accept();
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                while (true) {
                                    s.getOutputStream().write('2');
                                    s.getOutputStream().flush();
                                    Thread.sleep(300);
                                }
                            } catch (Exception e) {
                                // the client gave up
                            }
                        });
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            await("up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));
            server.set(Switch.Mode.ERROR_503);
            long id = awaitOpenIncident(serve);

            await("an attempt recorded", Duration.ofSeconds(30), () -> !deliveries(serve, id).isEmpty()
                    && !deliveries(serve, id).getFirst().path("log").isEmpty());
            JsonNode attempt = deliveries(serve, id).getFirst().path("log").get(0);
            assertThat(attempt.path("outcome").asString()).isEqualTo("retry");
            assertThat(deliveries(serve, id).getFirst().path("status").asString()).isEqualTo("pending");
        }
    }

    private static int results(ServeFixture serve) {
        return serve.get("/api/monitors/weather/results?limit=500").path("items").size();
    }
}
