package dev.mcpwatch.postmortem;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.cli.Main;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.TestClock;
import dev.mcpwatch.testkit.WebFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * A P1's postmortem from its real record: the alert paged a channel, someone acknowledged, posted
 * the root cause as an "identified" update, the server recovered — and the draft's timeline has
 * each of those times, the facts (layer, reason, MTTD, MTTA, MTTR) and the new server version
 * deployed 10 minutes before the onset. Saved from the API, the dashboard and read by the CLI,
 * every version kept; a day after resolving, an unwritten P1 postmortem is listed as overdue.
 */
@Timeout(120)
class PostmortemTest {
    private static final Instant T0 = Instant.parse("2031-03-04T09:00:00Z");

    @Test
    void aP1sDraftHasItsTrueTimelineAndIsSavedWithHistoryAndListedWhenOverdue(@TempDir Path dir) throws Exception {
        TestClock clock = new TestClock(T0);
        try (Receiver pager = Receiver.start(); WebFixture web = WebFixture.startOn(clock, dir, """
                monitors:
                  - id: weather
                    name: Weather MCP
                    url: http://127.0.0.1:9/mcp
                  - id: search
                    url: http://127.0.0.1:9/mcp
                alerting:
                  channels:
                    pager: {type: webhook, url: "%s"}
                  routes:
                    - name: outages
                      match: {severity: [P1]}
                      channels: [pager]
                  delivery: {poll: 200ms, backoff: {initial: 300ms, max: 1s}}
                """.formatted(pager.url("/hook")))) {
            // 09:00 version 1.0.0 is up; 09:20 a deploy brings 2.0.0; 09:30 it starts refusing connections.
            web.record("weather", Results.healthy(T0, 20));
            web.record("weather", version(Results.healthy(T0.plus(Duration.ofMinutes(20)), 20), "2.0.0"));
            clock.set(T0.plus(Duration.ofMinutes(30)));
            long id = -1;
            for (int i = 0; i < 3; i++) {
                var r = web.record("weather", Results.failed(clock.instant()));
                if (r.transition().opened() != null) {
                    id = r.incidentId();
                }
                clock.advance(Duration.ofSeconds(10));
            }
            assertThat(id).as("the third failure confirms the outage").isPositive();
            long incident = id;
            await("the page to the pager", Duration.ofSeconds(20), () -> !pager.withJson("event", "incident.opened").isEmpty());
            WebFixture.Client operator = web.loggedIn();
            operator.get("/"); // the session's CSRF token, from a dashboard page
            Map<String, String> json = Map.of("X-CSRF-Token", operator.csrf());

            clock.advance(Duration.ofMinutes(4)); // 09:34:30
            assertThat(operator.json("POST", "/api/incidents/" + incident + "/ack", "{\"by\": \"dana\"}", json).status()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(6)); // 09:40:30
            assertThat(operator.json("POST", "/api/incidents/" + incident + "/updates",
                    "{\"status\": \"identified\", \"message\": \"2.0.0 crashes at start: DATABASE_URL missing\"}", json).status())
                    .isEqualTo(201);
            clock.advance(Duration.ofMinutes(5)); // 09:45:30
            web.record("weather", Results.healthy(clock.instant(), 20));
            clock.advance(Duration.ofSeconds(10));
            assertThat(web.record("weather", Results.healthy(clock.instant(), 20)).transition().resolved()).isNotNull();

            WebFixture.Response md = operator.get("/api/incidents/" + incident + "/postmortem");
            assertThat(md.status()).isEqualTo(200);
            assertThat(md.header("Content-Type")).startsWith("text/markdown");
            assertThat(md.body()).contains("**Date:** 2031-03-04", "**Severity:** P1", "**Duration:** 15 min",
                            "**Affected server(s):** Weather MCP (`weather`)")
                    .contains("- 09:30:00 UTC — First failing probe (onset): Connection refused to 127.0.0.1:9")
                    .contains("- 09:30:21 UTC — mcpwatch detected failure: `connection_refused` (tcp layer, connect phase), after 3 failing probes")
                    .containsPattern("- 09:30:[23]\\d UTC — On-call paged via pager")
                    .contains("- 09:34:30 UTC — First response: acknowledged by dana")
                    .contains("- 09:40:30 UTC — Root cause identified: 2.0.0 crashes at start: DATABASE_URL missing")
                    .contains("- --:--:-- UTC — Fix applied: [what was done]")
                    .contains("- 09:45:41 UTC — mcpwatch confirmed recovery")
                    .contains("- MTTA (alert to acknowledgement): 4 min")
                    .contains("- MTTR (detection to recovery): 15 min")
                    .contains("- Changes on the server in the 30 minutes before the onset (a deploy?):\n"
                            + "  - 09:20:00 UTC — server version 1.0.0 → 2.0.0\n\n")
                    .contains("### Action items", "| Action | Owner | Due date |")
                    .contains("### Short form", "- **What happened:** Weather MCP (`weather`) failed with `connection_refused` (tcp layer) at "
                            + "09:30:00 UTC and recovered at 09:45:41 UTC, 15 min.", "- **Why it happened:** 2.0.0 crashes at start");

            JsonNode view = Json.MAPPER.readTree(operator.get("/api/incidents/" + incident + "/postmortem?format=json").body());
            assertThat(view.path("status").asString()).isEqualTo("draft");
            assertThat(view.path("required").asBoolean()).isTrue();
            assertThat(view.path("short_form").asString()).startsWith("- **What happened:**");
            assertThat(operator.get("/api/incidents/" + incident + "/postmortem?format=pdf").status()).isEqualTo(400);
            assertThat(operator.get("/api/incidents/999/postmortem").status()).isEqualTo(404);

            // A day later, unwritten: overdue on the dashboard.
            clock.advance(Duration.ofHours(25));
            operator = web.loggedIn(); // the session of yesterday has ended
            assertThat(operator.get("/").status()).isEqualTo(200);
            json = Map.of("X-CSRF-Token", operator.csrf());
            assertThat(operator.get("/").body()).contains("Postmortems overdue").contains("href=\"/incidents/" + incident + "/postmortem\"");
            assertThat(operator.get("/incidents/" + incident).body()).contains("href=\"/incidents/" + incident + "/postmortem\"")
                    .contains("overdue");

            String edited = md.body().replace("[Technical description]", "DATABASE_URL was not set in production.");
            assertThat(edited).isNotEqualTo(md.body());
            WebFixture.Response put = operator.json("PUT", "/api/incidents/" + incident + "/postmortem",
                    Json.object().put("markdown", edited).toString(), json);
            assertThat(put.status()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(put.body()).path("version").asInt()).isEqualTo(1);
            assertThat(operator.get("/").body()).as("saved: no longer overdue").doesNotContain("Postmortems overdue");

            WebFixture.Response form = operator.post("/incidents/" + incident + "/postmortem",
                    Map.of("markdown", edited + "\nReviewed on Monday.\n", "_csrf", operator.csrf()));
            assertThat(form.status()).isEqualTo(303);
            assertThat(operator.get("/incidents/" + incident + "/postmortem").body()).contains("version 2").contains("Reviewed on Monday.");
            assertThat(operator.post("/incidents/" + incident + "/postmortem", Map.of("markdown", " ", "_csrf", operator.csrf())).status())
                    .isEqualTo(400);

            view = Json.MAPPER.readTree(operator.get("/api/incidents/" + incident + "/postmortem?format=json").body());
            assertThat(view.path("status").asString()).isEqualTo("saved");
            assertThat(view.path("version").asInt()).isEqualTo(2);
            assertThat(view.path("history")).extracting(h -> h.path("version").asInt()).containsExactly(2, 1);
            assertThat(view.path("history").get(0).path("saved_by").asString()).isEqualTo("admin");

            String token = web.apiToken();
            Path file = dir.resolve("pm.md");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                    .execute("postmortem", Long.toString(incident), "--server", web.url(""), "--token", token, "-o", file.toString());
            assertThat(code).as(err.toString()).isZero();
            assertThat(Files.readString(file)).contains("DATABASE_URL was not set in production.").contains("Reviewed on Monday.");
            assertThat(new CommandLine(new Main()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(new StringWriter()))
                    .execute("postmortem", "999", "--server", web.url(""), "--token", token)).isEqualTo(1);
        }
    }

    private static ProbeResult version(ProbeResult r, String version) {
        return new ProbeResult(r.target(), r.transport(), r.startedAt(), r.healthy(), r.failure(), r.totalMs(), r.timings(), r.era(),
                r.eraDetected(), r.protocolVersion(), r.resolvedAddress(), r.tls(), new ServerInfo("fixture", null, version), r.capabilities(),
                r.sessionUsed(), r.tools(), r.toolCall(), r.toolCalls(), r.auth(), r.warnings(), r.credentials());
    }
}
