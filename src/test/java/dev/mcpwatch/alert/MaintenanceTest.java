package dev.mcpwatch.alert;

import static dev.mcpwatch.alert.Serving.awaitOpenIncident;
import static dev.mcpwatch.alert.Serving.deliveries;
import static dev.mcpwatch.alert.Serving.delivered;
import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.Switch;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Maintenance windows hold alerts for the monitors they cover: an incident still open when the
 * window ends is alerted then; one that opened and resolved inside the window never is. Recurring
 * windows are weekly ranges in a time zone, and may cross midnight.
 */
@Timeout(120)
class MaintenanceTest {

    private static ServeFixture serve(String prefix, Switch server, Receiver hook, Instant windowEnd) {
        return ServeFixture.start(ServeFixture.tempDir(prefix), """
                monitors:
                  - id: weather
                    url: %s
                    tags: [prod]
                alerting:
                  channels:
                    ops: {type: webhook, url: "%s"}
                  routes:
                    - name: everything
                      channels: [ops]
                      escalation: remind
                  escalation_policies:
                    remind:
                      steps:
                        - after: 2s
                          channels: [ops]
                  maintenance:
                    - name: deploy
                      tags: [prod]
                      from: "%s"
                      to: "%s"
                """.formatted(server.url(), hook.url("/hook"), Instant.now().minusSeconds(60), windowEnd) + Serving.FAST_DELIVERY,
                Duration.ofSeconds(2), Duration.ofMillis(500));
    }

    @Test
    void anIncidentStillOpenWhenTheWindowEndsIsAlertedThenAndEscalatesFromThen() {
        Instant end = Instant.now().plusSeconds(20);
        try (Switch server = new Switch(); Receiver hook = Receiver.start(); ServeFixture serve = serve("held", server, hook, end)) {
            await("up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));
            server.set(Switch.Mode.ERROR_503);
            long id = awaitOpenIncident(serve);

            await("the alert held", Duration.ofSeconds(10), () -> !deliveries(serve, id).isEmpty());
            assertThat(deliveries(serve, id)).extracting(d -> d.path("status").asString()).containsOnly("held");
            assertThat(hook.requests()).isEmpty();

            assertThat(Instant.now()).as("opened inside the window").isBefore(end);
            await("the alert after the window", Duration.ofSeconds(40), () -> delivered(serve, id, "ops", "incident.opened"));
            Receiver.Seen opened = hook.withJson("event", "incident.opened").getFirst();
            assertThat(opened.at()).as("sent when the window ended, not before").isGreaterThanOrEqualTo(end.toEpochMilli());
            await("the escalation", Duration.ofSeconds(15), () -> !hook.withJson("event", "incident.escalated").isEmpty());
            assertThat(hook.withJson("event", "incident.escalated").getFirst().at() - opened.at())
                    .as("escalation counts from the release, not from the incident").isGreaterThanOrEqualTo(1_500);
        }
    }

    @Test
    void anIncidentResolvedInsideTheWindowIsNeverAlerted() {
        Instant end = Instant.now().plusSeconds(25);
        try (Switch server = new Switch(); Receiver hook = Receiver.start(); ServeFixture serve = serve("resolved-inside", server, hook, end)) {
            await("up", Duration.ofSeconds(15), () -> "up".equals(Serving.status(serve, "weather")));
            server.set(Switch.Mode.ERROR_503);
            long id = awaitOpenIncident(serve);
            server.set(Switch.Mode.HEALTHY);
            await("resolved", Duration.ofSeconds(15), () -> "resolved".equals(serve.get("/api/incidents/" + id).path("status").asString()));
            assertThat(Instant.now()).as("resolved inside the window").isBefore(end);

            Serving.sleep(Duration.ofMillis(Math.max(0, end.toEpochMilli() - System.currentTimeMillis() + 2_000)));

            assertThat(hook.requests()).isEmpty();
            assertThat(deliveries(serve, id)).isNotEmpty().extracting(d -> d.path("status").asString()).containsOnly("cancelled");
            assertThat(serve.get("/api/incidents/" + id).path("notifiedAt").isNull()).isTrue();
        }
    }

    @Test
    void aWeeklyWindowInATimeZoneMayCrossMidnight() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        MaintenanceWindow saturdayNight = MaintenanceWindow.weekly("night", List.of("weather"), List.of(), Set.of(DayOfWeek.SATURDAY),
                LocalTime.of(23, 0), LocalTime.of(1, 30), paris);
        ZonedDateTime saturday = ZonedDateTime.of(2026, 11, 21, 0, 0, 0, 0, paris);

        assertThat(saturdayNight.activeAt(saturday.withHour(22).withMinute(59).toInstant())).isFalse();
        assertThat(saturdayNight.endOfOccurrence(saturday.withHour(23).toInstant())).isEqualTo(saturday.plusDays(1).withHour(1).withMinute(30).toInstant());
        assertThat(saturdayNight.activeAt(saturday.plusDays(1).withHour(1).withMinute(29).toInstant())).as("Sunday morning").isTrue();
        assertThat(saturdayNight.activeAt(saturday.plusDays(1).withHour(1).withMinute(30).toInstant())).isFalse();
        assertThat(saturdayNight.activeAt(saturday.withHour(0).withMinute(30).toInstant())).as("Saturday morning belongs to Friday").isFalse();
        assertThat(saturdayNight.covers("weather", List.of())).isTrue();
        assertThat(saturdayNight.covers("other", List.of("prod"))).isFalse();
        // 23:00 in Paris is 22:00 UTC in winter
        assertThat(saturdayNight.activeAt(Instant.parse("2026-11-21T22:00:00Z"))).isTrue();
        assertThat(saturdayNight.activeAt(Instant.parse("2026-11-21T21:59:59Z"))).isFalse();
    }

    @Test
    void aOneOffWindowRunsFromItsStartUpToItsEnd() {
        MaintenanceWindow w = MaintenanceWindow.once("migration", List.of(), List.of("db"), Instant.parse("2026-12-01T22:00:00Z"),
                Instant.parse("2026-12-02T02:00:00Z"));

        assertThat(w.activeAt(Instant.parse("2026-12-01T21:59:59Z"))).isFalse();
        assertThat(w.activeAt(Instant.parse("2026-12-01T22:00:00Z"))).isTrue();
        assertThat(w.endOfOccurrence(Instant.parse("2026-12-02T01:00:00Z"))).isEqualTo(Instant.parse("2026-12-02T02:00:00Z"));
        assertThat(w.activeAt(Instant.parse("2026-12-02T02:00:00Z"))).isFalse();
        assertThat(w.covers("anything", List.of("db", "prod"))).isTrue();
    }
}
