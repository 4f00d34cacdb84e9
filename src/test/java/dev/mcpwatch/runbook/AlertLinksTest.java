package dev.mcpwatch.runbook;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.Switch;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real outage of a real server, seen from the alert: the webhook's payload links a runbook page,
 * the status page that shows the monitor, the dashboard and the acknowledgement page, and every one
 * of them answers 200. The runbook pages are public; the incident page shows the runbook of the
 * failure with the incident's facts and the command that reproduces the probe, secrets as ${VAR}.
 */
@Timeout(90)
class AlertLinksTest {
    private static final String TOKEN = "tok-alert-links-0123456789";

    @Test
    void everyLinkOfARealAlertLeadsToAPageAndTheIncidentPageStartsAtStepThree(@TempDir Path dir) throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(runbooks.resolve("billing.md"), "# Billing on-call\n\nCall finance.\n");
        try (Switch server = new Switch(); Receiver hook = Receiver.start();
                WebFixture web = WebFixture.start(dir, """
                        monitors:
                          - id: weather
                            name: Weather MCP
                            url: %s
                            headers: {Authorization: "Bearer %s"}
                          - id: billing
                            url: %s
                            runbook_url: https://wiki.example.com/billing
                        status_pages:
                          - slug: public
                            title: Example status
                            monitors: [weather]
                        runbooks:
                          dir: %s
                        alerting:
                          channels:
                            ops: {type: webhook, url: "%s"}
                          routes:
                            - name: everything
                              channels: [ops]
                          ack: {secret: an-ack-secret-of-some-length}
                          delivery: {poll: 200ms, backoff: {initial: 300ms, max: 1s}}
                        """.formatted(server.url(), TOKEN, server.url(), runbooks, hook.url("/hook")), null, Duration.ofSeconds(1))) {
            await("weather probed healthy", Duration.ofSeconds(20), () -> "up".equals(monitorStatus(web, "weather")));
            server.close(); // the process is gone: nothing listens on its port any more

            // billing watches the same server, so its alert may come first: wait for weather's own.
            await("weather's incident alert", Duration.ofSeconds(30), () -> openedFor(hook, "weather") != null);
            JsonNode alert = openedFor(hook, "weather");
            assertThat(alert.path("failure").path("reason").asString()).isEqualTo("connection_refused");
            assertThat(alert.path("runbook_url").asString()).isEqualTo(web.url("/runbooks/connection-refused"));
            assertThat(alert.path("status_page_url").asString()).isEqualTo(web.url("/status/public"));

            WebFixture.Client visitor = web.client();
            WebFixture.Client operator = web.loggedIn();
            List<String> links = new ArrayList<>();
            for (String field : List.of("runbook_url", "status_page_url", "dashboard_url", "ack_url")) {
                String url = alert.path(field).asString(null);
                assertThat(url).as(field).startsWith(web.url("/"));
                links.add(url.substring(web.url("").length()));
            }
            for (String link : links) {
                WebFixture.Client who = link.startsWith("/monitors/") ? operator : visitor;
                assertThat(who.get(link).status()).as("GET " + link).isEqualTo(200);
            }
            assertThat(visitor.get("/runbooks/connection-refused").body()).contains("<h1>Connection refused</h1>").contains("<h2>Steps</h2>")
                    .doesNotContain("127.0.0.1").doesNotContain(TOKEN);
            assertThat(visitor.get("/runbooks").body()).contains("href=\"/runbooks/authentication-required\"")
                    .contains("href=\"/runbooks/billing\"");
            assertThat(visitor.get("/runbooks/billing").body()).contains("Call finance.");
            assertThat(visitor.get("/runbooks/no-such-mode").status()).isEqualTo(404);
            assertThat(visitor.get("/runbooks/connection-refused").header("Content-Security-Policy")).contains("default-src 'none'");

            long id = alert.path("incident_id").asLong();
            String page = operator.get("/incidents/" + id).body();
            assertThat(page).contains("Runbook: Connection refused").contains("<dt>Failing layer</dt><dd>tcp</dd>")
                    .contains("<dt>Failing phase</dt><dd>connect</dd>").contains("<dt>Last good probe</dt><dd><time")
                    .contains("mcpwatch probe -H 'Authorization: ${AUTHORIZATION}' --timeout 500ms --initialize-timeout 500ms " + server.url())
                    .contains("<th>What you are looking for</th>").doesNotContain(TOKEN);

            await("billing's alert", Duration.ofSeconds(30), () -> openedFor(hook, "billing") != null);
            JsonNode billing = openedFor(hook, "billing");
            assertThat(billing.path("runbook_url").asString()).as("the monitor's own runbook").isEqualTo("https://wiki.example.com/billing");
            assertThat(billing.path("status_page_url").isNull()).as("billing is on no status page").isTrue();
        }
    }

    private static String monitorStatus(WebFixture web, String id) {
        try {
            return web.client().get("/api/monitors/" + id).body().contains("\"status\":\"up\"") ? "up" : "not yet";
        } catch (Exception e) {
            return "unreachable: " + e;
        }
    }

    private static JsonNode openedFor(Receiver hook, String monitor) {
        return hook.withJson("event", "incident.opened").stream().map(Receiver.Seen::json)
                .filter(a -> a.path("monitor").path("id").asString().equals(monitor)).findFirst().orElse(null);
    }
}
