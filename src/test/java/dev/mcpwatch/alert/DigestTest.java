package dev.mcpwatch.alert;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.Switch;
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
 * rules publish them: inside a transaction, on the app's events.
 */
@Timeout(120)
class DigestTest {

    @Test
    void p3WarningsAreCollectedIntoOneDigestPerPeriodAndAnEmptyPeriodSendsNothing() {
        try (Switch server = new Switch(); Receiver review = Receiver.start(); Receiver pager = Receiver.start();
                ServeFixture serve = ServeFixture.start(ServeFixture.tempDir("digest"), """
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
                              digest: {every: 4s}
                        """.formatted(server.url(), review.url("/review"), pager.url("/pd")) + Serving.FAST_DELIVERY,
                        Duration.ofSeconds(2), Duration.ofMillis(500))) {
            await("up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));

            // early in a period, so that the three land in the same one
            Serving.sleep(Duration.ofMillis(4_000 - System.currentTimeMillis() % 4_000 + 200));
            warn(serve, "drift.detected", "tool get_forecast: parameter city changed type string -> number");
            warn(serve, "certificate.expiring", "certificate expires in 9 days");
            warn(serve, "drift.detected", "tool get_alerts removed");

            await("the digest", Duration.ofSeconds(15), () -> !review.requests().isEmpty());
            Serving.sleep(Duration.ofSeconds(9)); // two more periods, with nothing in them

            assertThat(review.requests()).hasSize(1);
            JsonNode digest = review.requests().getFirst().json();
            assertThat(digest.path("event").asString()).isEqualTo("digest");
            assertThat(digest.path("summary").asString()).isEqualTo("mcpwatch digest (weekly-review): 3 warnings");
            assertThat(digest.path("items")).extracting(i -> i.path("event").asString())
                    .containsExactly("drift.detected", "certificate.expiring", "drift.detected");
            assertThat(digest.path("items").get(0).path("monitor").path("id").asString()).isEqualTo("weather");
            assertThat(digest.path("items").get(0).path("severity").asString()).isEqualTo("P3");
            assertThat(digest.path("items").get(0).path("runbook_url").asString()).endsWith("/runbooks/schema-drift");
            assertThat(digest.path("items").get(1).path("runbook_url").asString()).endsWith("/runbooks/handshake-failure");
            assertThat(pager.requests()).as("P3 never pages").isEmpty();
            assertThat(serve.get("/api/alerting/deliveries").path("items")).extracting(d -> d.path("event").asString()).containsExactly("digest");
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

    private static void warn(ServeFixture serve, String type, String message) {
        try {
            serve.app().database().transaction(c -> {
                serve.app().events().publish(c, new MonitorEvent.Warning("weather", type, Severity.P3, message, Json.object(),
                        System.currentTimeMillis()));
                return null;
            });
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
