package dev.mcpwatch.alert;

import static dev.mcpwatch.alert.Serving.delivered;
import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.Switch;
import jakarta.mail.internet.MimeMessage;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Routing by severity as the incident-response guide has it: a P1 goes to the pager and chat, a P2
 * to chat and e-mail (a real SMTP server), each notice of an incident follows the route of its
 * trigger (Discord edits its one message), and a severity that rises pages the new route.
 */
@Timeout(120)
class RoutingTest {
    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp"));

    private static ServeFixture serve(String prefix, Switch outage, Switch degraded, Receiver pager, Receiver chat) {
        return ServeFixture.start(ServeFixture.tempDir(prefix), """
                monitors:
                  - id: weather
                    url: %s
                  - id: search
                    url: %s
                    expect: {tools: [search_web]}
                alerting:
                  channels:
                    pager: {type: pagerduty, routing_key: R0UT1NG, url: "%s"}
                    chat: {type: discord, webhook_url: "%s"}
                    mail:
                      type: email
                      from: mcpwatch@example.com
                      to: [oncall@example.com]
                      smtp: {host: 127.0.0.1, port: %d, security: none}
                  routes:
                    - name: outages
                      match: {severity: [P1]}
                      channels: [pager, chat]
                    - name: degraded
                      match: {severity: [P2]}
                      channels: [chat, mail]
                """.formatted(outage.url(), degraded.url(), pager.url("/v2/enqueue"), chat.url("/api/webhooks/1/tok"),
                smtp.getSmtp().getPort()) + Serving.FAST_DELIVERY, Duration.ofSeconds(2), Duration.ofMillis(500));
    }

    /** A Discord stand-in answering each new message with an id: 1111 for weather's, 2222 for search's. */
    private static Receiver discord() {
        return Receiver.start().answer(http -> {
            String title = http.json().path("embeds").get(0).path("title").asString();
            http.json(200, Json.object().put("id", title.contains("weather") ? "1111" : "2222"));
        });
    }

    @Test
    void p1PagesAndChatsP2ChatsAndMailsAndEachNoticeFollowsItsTrigger() throws Exception {
        try (Switch weather = new Switch(); Switch search = new Switch(); Receiver pager = Receiver.start(); Receiver chat = discord();
                ServeFixture serve = serve("routing", weather, search, pager, chat)) {
            await("weather up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));
            await("search degraded (a tool is missing)", Duration.ofSeconds(20), () -> incident(serve, "search") != null);
            long p2 = incident(serve, "search").path("id").asLong();
            weather.set(Switch.Mode.ERROR_503);
            await("weather down", Duration.ofSeconds(20), () -> incident(serve, "weather") != null);
            long p1 = incident(serve, "weather").path("id").asLong();

            await("the P1 at pager and chat", Duration.ofSeconds(15),
                    () -> delivered(serve, p1, "pager", "incident.opened") && delivered(serve, p1, "chat", "incident.opened"));
            await("the P2 at chat and mail", Duration.ofSeconds(15),
                    () -> delivered(serve, p2, "chat", "incident.opened") && delivered(serve, p2, "mail", "incident.opened"));
            assertThat(incident(serve, "weather").path("severity").asString()).isEqualTo("P1");
            assertThat(incident(serve, "search").path("severity").asString()).isEqualTo("P2");
            assertThat(pager.requests()).as("a P2 does not page").extracting(r -> r.json().path("dedup_key").asString())
                    .containsOnly("mcpwatch:weather:incident:" + p1);
            MimeMessage[] mails = smtp.getReceivedMessages();
            assertThat(mails).extracting(MimeMessage::getSubject).containsExactly("[P2] search is degraded: tools_missing (tools layer)");

            weather.set(Switch.Mode.HEALTHY);
            await("the P1's resolution", Duration.ofSeconds(20),
                    () -> delivered(serve, p1, "pager", "incident.resolved") && delivered(serve, p1, "chat", "incident.resolved"));
            assertThat(pager.requests().getLast().json().path("event_action").asString()).isEqualTo("resolve");
            Receiver.Seen edit = chat.requests().getLast();
            assertThat(edit.method() + " " + edit.path()).isEqualTo("PATCH /api/webhooks/1/tok/messages/1111");
            assertThat(edit.json().path("embeds").get(0).path("title").asString()).contains("weather recovered");
            assertThat(chat.requests(r -> r.method().equals("POST"))).as("one Discord message per incident").hasSize(2);
            assertThat(smtp.getReceivedMessages()).as("the P1's resolution is not mailed: mail was not on its route").hasSize(1);
        }
    }

    @Test
    void aSeverityThatRisesPagesTheNewRouteAndUpdatesTheChannelsAlreadyAlerted() throws Exception {
        try (Switch weather = new Switch(); Switch search = new Switch(); Receiver pager = Receiver.start(); Receiver chat = discord();
                ServeFixture serve = serve("severity-rises", weather, search, pager, chat)) {
            await("search degraded", Duration.ofSeconds(20), () -> incident(serve, "search") != null);
            long id = incident(serve, "search").path("id").asLong();
            await("the P2 at chat and mail", Duration.ofSeconds(15),
                    () -> delivered(serve, id, "chat", "incident.opened") && delivered(serve, id, "mail", "incident.opened"));
            assertThat(pager.requests()).isEmpty();

            // what the detection rules do when a degradation becomes an outage
            serve.app().database().transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE incidents SET severity = 'P1' WHERE id = ?")) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
                serve.app().events().publish(c, new MonitorEvent.SeverityChanged("search", id, Severity.P2, Severity.P1,
                        "every tool failing", System.currentTimeMillis()));
                return null;
            });

            await("the pager, on the P1 route now", Duration.ofSeconds(15), () -> delivered(serve, id, "pager", "incident.severity_changed"));
            await("chat and mail told", Duration.ofSeconds(15), () -> delivered(serve, id, "chat", "incident.severity_changed")
                    && delivered(serve, id, "mail", "incident.severity_changed"));
            JsonNode trigger = pager.requests().getFirst().json();
            assertThat(trigger.path("event_action").asString()).isEqualTo("trigger");
            assertThat(trigger.path("payload").path("severity").asString()).isEqualTo("critical");
            assertThat(trigger.path("payload").path("custom_details").path("previous_severity").asString()).isEqualTo("P2");
            assertThat(chat.requests().getLast().method() + " " + chat.requests().getLast().path())
                    .isEqualTo("PATCH /api/webhooks/1/tok/messages/2222");
            assertThat(Arrays.stream(smtp.getReceivedMessages()).map(m -> {
                try {
                    return m.getSubject();
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            })).contains("[P1] search: severity P2 → P1");
        }
    }

    private static JsonNode incident(ServeFixture serve, String monitor) {
        JsonNode items = serve.get("/api/monitors/" + monitor + "/incidents").path("items");
        return items.isEmpty() ? null : items.get(0);
    }
}
