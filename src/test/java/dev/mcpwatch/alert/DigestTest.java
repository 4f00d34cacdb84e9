package dev.mcpwatch.alert;

import static dev.mcpwatch.alert.Serving.round;
import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.Switch;
import dev.mcpwatch.testkit.TestClock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * P3 warnings (schema drift, an expiring certificate…) are collected per route into a digest sent
 * once per period, never one message each. The warnings here are published the way the detection
 * rules publish them: inside a transaction, on the app's events. One test runs on the wall clock
 * end to end; the others move a {@link TestClock} across period boundaries.
 */
@Timeout(120)
class DigestTest {

    @Test
    void endToEndTheWarningsOfAPeriodGoOutInOneDigestWhenItEnds() {
        try (Switch server = new Switch(); Receiver review = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = ServeFixture.start(ServeFixture.tempDir("digest"), config(server.url(), review, pager, "{every: 2s}"),
                        Duration.ofSeconds(2), Duration.ofMillis(500))) {
            await("up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));

            // early in a period, so that the three land in the same one
            Serving.sleep(Duration.ofMillis(2_000 - System.currentTimeMillis() % 2_000 + 200));
            long at = System.currentTimeMillis();
            warn(serve, "drift.detected", "tool get_forecast: parameter city changed type string -> number", at);
            warn(serve, "certificate.expiring", "certificate expires in 9 days", at);
            warn(serve, "drift.detected", "tool get_alerts removed", at);

            await("the digest", Duration.ofSeconds(15), () -> !review.requests().isEmpty());
            assertThat(review.requests()).hasSize(1);
            JsonNode digest = review.requests().getFirst().json();
            assertThat(digest.path("event").asString()).isEqualTo("digest");
            assertThat(digest.path("summary").asString()).isEqualTo("mcpwatch digest (weekly-review): 3 warnings");
            assertThat(pager.requests()).as("P3 never pages").isEmpty();
        }
    }

    @Test
    void p3WarningsAreCollectedIntoOneDigestPerPeriodAndAnEmptyPeriodSendsNothing() {
        TestClock clock = new TestClock(Instant.parse("2030-01-07T10:00:00Z"));
        try (Receiver review = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("digest-clocked"),
                        config("http://127.0.0.1:9/mcp", review, pager, "{every: 1h}"))) {
            clock.advance(Duration.ofMinutes(5));
            warn(serve, "drift.detected", "tool get_forecast: parameter city changed type string -> number", clock.millis());
            clock.advance(Duration.ofMinutes(5));
            warn(serve, "certificate.expiring", "certificate expires in 9 days", clock.millis());
            clock.advance(Duration.ofMinutes(5));
            warn(serve, "drift.detected", "tool get_alerts removed", clock.millis());

            clock.set(Instant.parse("2030-01-07T10:59:59.999Z"));
            round(serve);
            assertThat(digests(serve)).as("the period has not ended").isZero();
            clock.set(Instant.parse("2030-01-07T11:00:00Z"));
            round(serve);
            assertThat(digests(serve)).as("one digest when the period ends").isEqualTo(1);
            await("the digest", Duration.ofSeconds(15), () -> !review.requests().isEmpty());
            for (int hour = 1; hour <= 2; hour++) { // two more periods, with nothing in them
                clock.advance(Duration.ofHours(1));
                round(serve);
            }

            assertThat(digests(serve)).isEqualTo(1);
            assertThat(review.requests()).hasSize(1);
            JsonNode digest = review.requests().getFirst().json();
            assertThat(digest.path("event").asString()).isEqualTo("digest");
            assertThat(digest.path("summary").asString()).isEqualTo("mcpwatch digest (weekly-review): 3 warnings");
            assertThat(digest.path("items")).extracting(i -> i.path("event").asString())
                    .containsExactly("drift.detected", "certificate.expiring", "drift.detected");
            assertThat(digest.path("items").get(0).path("monitor").path("id").asString()).isEqualTo("weather");
            assertThat(digest.path("items").get(0).path("severity").asString()).isEqualTo("P3");
            assertThat(digest.path("items").get(0).path("runbook_url").asString()).endsWith("/runbooks/schema-drift");
            assertThat(digest.path("items").get(1).path("runbook_url").asString()).endsWith("/runbooks/tls-certificate");
            assertThat(pager.requests()).as("P3 never pages").isEmpty();
            assertThat(serve.get("/api/alerting/deliveries").path("items")).extracting(d -> d.path("event").asString()).containsExactly("digest");
        }
    }

    @Test
    void aDailyDigestGoesOutAtItsTimeInItsZoneWithWhatCameBefore() {
        // Saturday 2030-01-05 12:00 UTC = 13:00 in Paris (winter, UTC+1)
        TestClock clock = new TestClock(Instant.parse("2030-01-05T12:00:00Z"));
        try (Receiver review = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("digest-daily"),
                        config("http://127.0.0.1:9/mcp", review, pager, "{schedule: daily, at: \"09:00\", timezone: Europe/Paris}"))) {
            warn(serve, "drift.detected", "tool get_alerts removed", clock.millis());

            clock.set(Instant.parse("2030-01-06T07:59:59Z"));
            round(serve);
            assertThat(digests(serve)).as("08:59:59 in Paris").isZero();
            clock.set(Instant.parse("2030-01-06T08:00:00Z"));
            warn(serve, "certificate.expiring", "certificate expires in 9 days", clock.millis());
            round(serve);

            assertThat(digests(serve)).as("09:00 in Paris").isEqualTo(1);
            await("the digest", Duration.ofSeconds(15), () -> !review.requests().isEmpty());
            JsonNode digest = review.requests().getFirst().json();
            assertThat(digest.path("items")).as("what came before 09:00; the warning of 09:00 waits for the next")
                    .extracting(i -> i.path("event").asString()).containsExactly("drift.detected");
            assertThat(digest.path("started_at").asString()).as("the period: a day, from 09:00 Paris").isEqualTo("2030-01-05T08:00:00Z");
            assertThat(digest.path("at").asString()).isEqualTo("2030-01-06T08:00:00Z");
        }
    }

    @Test
    void dailyAndWeeklyDigestsEndAtTheirTimeInTheirZone() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        DigestSchedule daily = DigestSchedule.daily(LocalTime.of(9, 0), paris);
        DigestSchedule weekly = DigestSchedule.weekly(DayOfWeek.MONDAY, LocalTime.of(9, 0), paris);

        // Saturday 2026-11-21 12:00 UTC = 13:00 in Paris
        Instant saturdayNoon = Instant.parse("2026-11-21T12:00:00Z");
        assertThat(daily.lastBoundary(saturdayNoon)).isEqualTo(Instant.parse("2026-11-21T08:00:00Z"));
        assertThat(daily.lastBoundary(Instant.parse("2026-11-21T07:59:59Z"))).isEqualTo(Instant.parse("2026-11-20T08:00:00Z"));
        assertThat(weekly.lastBoundary(saturdayNoon)).isEqualTo(Instant.parse("2026-11-16T08:00:00Z"));
        assertThat(weekly.periodStart(Instant.parse("2026-11-16T08:00:00Z"))).isEqualTo(Instant.parse("2026-11-09T08:00:00Z"));
        assertThat(DigestSchedule.every(Duration.ofHours(6)).lastBoundary(saturdayNoon)).isEqualTo(Instant.parse("2026-11-21T12:00:00Z"));
    }

    @Test
    void aP1WithoutItsPostmortemADayAfterResolvingIsInEachDigestUntilOneIsSaved() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2030-01-07T10:00:00Z"));
        try (Receiver review = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("digest-postmortem"),
                        config("http://127.0.0.1:9/mcp", review, pager, "{every: 1d}"))) {
            long incident = Serving.confirmDown(serve, clock, "weather");
            Serving.recover(serve, clock, "weather");

            clock.set(Instant.parse("2030-01-08T00:00:00Z"));
            round(serve);
            assertThat(digests(serve)).as("resolved 14 hours ago: not overdue yet, and nothing else to send").isZero();

            clock.set(Instant.parse("2030-01-09T00:00:00Z"));
            round(serve);
            await("the digest", Duration.ofSeconds(15), () -> review.requests().size() == 1);
            JsonNode item = review.requests().getFirst().json().path("items").get(0);
            assertThat(item.path("event").asString()).isEqualTo("postmortem.overdue");
            assertThat(item.path("incident_id").asLong()).isEqualTo(incident);
            assertThat(item.path("summary").asString()).startsWith("[P1] weather: the postmortem of incident " + incident + " is overdue");
            assertThat(item.path("dashboard_url").asString()).endsWith("/incidents/" + incident + "/postmortem");

            String token = serve.apiToken();
            var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(serve.base() + "/api/incidents/" + incident + "/postmortem"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "text/markdown")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("## Postmortem\n\nThe host rebooted.\n")).build();
            assertThat(java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            clock.set(Instant.parse("2030-01-10T00:00:00Z"));
            round(serve);
            assertThat(digests(serve)).as("written: the next period has nothing to send").isEqualTo(1);
        }
    }

    private static String config(String url, Receiver review, Receiver pager, String digest) {
        return """
                monitors:
                  - id: weather
                    url: %s
                alerting:
                  channels:
                    review: {type: webhook, url: "%s"}
                    pager: {type: pagerduty, routing_key: K, url: "%s"}
                  routes:
                    - name: outages
                      match: {severity: [P1]}
                      channels: [pager]
                    - name: weekly-review
                      match: {severity: [P3]}
                      channels: [review]
                      digest: %s
                """.formatted(url, review.url("/review"), pager.url("/pd"), digest) + Serving.FAST_DELIVERY;
    }

    private static long digests(ServeFixture serve) {
        return Databases.count(serve.app().database(), "SELECT COUNT(*) FROM alert_digests");
    }

    private static void warn(ServeFixture serve, String type, String message, long at) {
        try {
            serve.app().database().transaction(c -> {
                serve.app().events().publish(c, new MonitorEvent.Warning("weather", type, Severity.P3, message, Json.object(), at));
                return null;
            });
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
