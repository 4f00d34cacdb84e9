package dev.mcpwatch.alert;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.ServeProcess;
import dev.mcpwatch.testkit.Switch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} of a real {@code mcpwatch serve} in the middle of delivering, then a restart on the
 * same data: every alert is delivered, and the only repeat is the delivery that was in flight at the
 * kill, sent again with the same delivery id and dedup key, which receivers collapse.
 */
@Timeout(240)
class AlertKillRestartTest {
    private static final String CONFIG = """
            monitors:
              - id: api
                url: %s
                interval: 10s
                retry_interval: 1s
                thresholds: {failure: 3, success: 2}
            alerting:
              channels:
                hook: {type: webhook, url: "%s", timeout: 60s}
                pager: {type: pagerduty, routing_key: R0UT1NG, url: "%s"}
              routes:
                - name: all
                  channels: [hook, pager]
              delivery: {poll: 200ms, backoff: {initial: 300ms, max: 1s}}
            """;

    @Test
    void killedWhileADeliveryIsInFlightDeliversEverythingAfterRestartRepeatingOnlyThatOne() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        try (Switch server = new Switch(); Receiver hook = Receiver.start(); Receiver pager = Receiver.start();
                ServeProcess serve = new ServeProcess(ServeFixture.tempDir("alert-kill-inflight"),
                        CONFIG.formatted(server.url(), hook.url("/hook"), pager.url("/v2/enqueue"))).start()) {
            hook.answer(http -> {
                holding.await(60, TimeUnit.SECONDS); // holds the first delivery until the sender is dead
                http.respond(200, "text/plain", "ok");
            });
            await("up", Duration.ofSeconds(30), () -> "up".equals(serve.get("/api/monitors/api").path("status").asString()));
            server.set(Switch.Mode.ERROR_503);
            await("the alert in flight to the hook", Duration.ofSeconds(30), () -> !hook.requests().isEmpty());
            long id = hook.requests().getFirst().json().path("incident_id").asLong();
            await("the pager alerted", Duration.ofSeconds(15), () -> status(serve, id, "pager", "incident.opened").equals("delivered"));

            serve.kill9();
            hook.answer(http -> http.respond(200, "text/plain", "ok"));
            holding.countDown();
            serve.start();

            await("the hook's alert delivered after the restart", Duration.ofSeconds(30),
                    () -> status(serve, id, "hook", "incident.opened").equals("delivered"));
            server.set(Switch.Mode.HEALTHY);
            await("the resolution at both", Duration.ofSeconds(60), () -> status(serve, id, "hook", "incident.resolved").equals("delivered")
                    && status(serve, id, "pager", "incident.resolved").equals("delivered"));

            List<Receiver.Seen> opened = hook.withJson("event", "incident.opened");
            assertThat(opened).as("the one in flight at the kill, and its repeat").hasSize(2);
            assertThat(opened).extracting(r -> r.header("X-Mcpwatch-Delivery")).containsOnly(opened.getFirst().header("X-Mcpwatch-Delivery"));
            assertThat(opened).extracting(r -> r.json().path("dedup_key").asString()).containsOnly("mcpwatch:api:incident:" + id);
            assertThat(hook.withJson("event", "incident.resolved")).hasSize(1);
            assertThat(pager.withJson("event_action", "trigger")).as("delivered before the kill, not sent again").hasSize(1);
            assertThat(pager.withJson("event_action", "resolve")).hasSize(1);
            JsonNode hookOpened = delivery(serve, id, "hook", "incident.opened");
            assertThat(hookOpened.path("log")).as("the attempt cut short by the kill left no record; the repeat did")
                    .extracting(a -> a.path("outcome").asString()).containsExactly("delivered");
            assertThat(serve.get("/api/incidents").path("items").size()).isEqualTo(1);
        }
    }

    @Test
    void killedWithAlertsWaitingForADownReceiverDeliversThemAllOnceAfterRestart() throws Exception {
        try (Switch server = new Switch(); Receiver hook = Receiver.down(); Receiver pager = Receiver.start();
                ServeProcess serve = new ServeProcess(ServeFixture.tempDir("alert-kill-waiting"),
                        CONFIG.formatted(server.url(), hook.url("/hook"), pager.url("/v2/enqueue"))).start()) {
            await("up", Duration.ofSeconds(30), () -> "up".equals(serve.get("/api/monitors/api").path("status").asString()));
            server.set(Switch.Mode.ERROR_503);
            await("an open incident", Duration.ofSeconds(30), () -> serve.get("/api/incidents?status=open").path("items").size() == 1);
            long id = serve.get("/api/incidents?status=open").path("items").get(0).path("id").asLong();
            await("failed attempts to the hook", Duration.ofSeconds(20), () -> delivery(serve, id, "hook", "incident.opened").path("log").size() >= 2);

            serve.kill9();
            server.set(Switch.Mode.HEALTHY);
            serve.start();
            await("resolved", Duration.ofSeconds(60), () -> "resolved".equals(serve.get("/api/incidents/" + id).path("status").asString()));
            hook.up();

            await("both delivered to the hook", Duration.ofSeconds(30), () -> status(serve, id, "hook", "incident.resolved").equals("delivered"));
            assertThat(hook.requests()).extracting(r -> r.json().path("event").asString()).containsExactly("incident.opened", "incident.resolved");
            assertThat(pager.requests()).extracting(r -> r.json().path("event_action").asString()).containsExactly("trigger", "resolve");
        }
    }

    private static JsonNode delivery(ServeProcess serve, long incident, String channel, String event) {
        for (JsonNode d : serve.get("/api/incidents/" + incident + "/deliveries").path("items")) {
            if (d.path("channel").asString().equals(channel) && d.path("event").asString().equals(event)) {
                return d;
            }
        }
        return tools.jackson.databind.node.MissingNode.getInstance();
    }

    private static String status(ServeProcess serve, long incident, String channel, String event) {
        return delivery(serve, incident, channel, event).path("status").asString("");
    }
}
