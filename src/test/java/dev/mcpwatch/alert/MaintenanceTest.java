package dev.mcpwatch.alert;

import static dev.mcpwatch.alert.Serving.awaitOpenIncident;
import static dev.mcpwatch.alert.Serving.confirmDown;
import static dev.mcpwatch.alert.Serving.deliveries;
import static dev.mcpwatch.alert.Serving.delivered;
import static dev.mcpwatch.alert.Serving.recover;
import static dev.mcpwatch.alert.Serving.round;
import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.Switch;
import dev.mcpwatch.testkit.TestClock;
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
 * windows are weekly ranges in a time zone, and may cross midnight. The first test probes a real
 * server through a window on the wall clock; the others move a {@link TestClock} across its end.
 */
@Timeout(120)
class MaintenanceTest {
    private static final Instant T0 = Instant.parse("2030-01-07T10:00:00Z");

    private static ServeFixture serve(String prefix, Switch server, Receiver hook, Instant windowEnd) {
        return ServeFixture.start(ServeFixture.tempDir(prefix), config(server.url(), hook, Instant.now().minusSeconds(60), windowEnd),
                Duration.ofSeconds(2), Duration.ofMillis(500));
    }

    private static ServeFixture clocked(String prefix, TestClock clock, Receiver hook, Instant windowEnd) {
        return ServeFixture.startOn(clock, ServeFixture.tempDir(prefix), config("http://127.0.0.1:9/mcp", hook,
                clock.instant().minusSeconds(60), windowEnd));
    }

    private static String config(String url, Receiver hook, Instant windowStart, Instant windowEnd) {
        return """
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
                """.formatted(url, hook.url("/hook"), windowStart, windowEnd) + Serving.FAST_DELIVERY;
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
    void theHeldAlertGoesOutTheMomentTheWindowEndsAndEscalationCountsFromThen() {
        TestClock clock = new TestClock(T0);
        Instant end = T0.plus(Duration.ofMinutes(30));
        try (Receiver hook = Receiver.start(); ServeFixture serve = clocked("held-clocked", clock, hook, end)) {
            long id = confirmDown(serve, clock, "weather");
            round(serve);
            assertThat(deliveries(serve, id)).isNotEmpty().extracting(d -> d.path("status").asString()).containsOnly("held");

            clock.set(end.minusMillis(1));
            round(serve);
            assertThat(deliveries(serve, id)).as("a millisecond before the end").extracting(d -> d.path("status").asString())
                    .containsOnly("held");
            clock.set(end);
            round(serve);
            await("the alert after the window", Duration.ofSeconds(10), () -> delivered(serve, id, "ops", "incident.opened"));
            assertThat(hook.withJson("event", "incident.opened")).hasSize(1);

            clock.advance(Duration.ofMillis(1_999));
            round(serve);
            assertThat(deliveries(serve, id, "ops", "incident.escalated")).as("escalation counts from the release, not from the incident")
                    .isEmpty();
            clock.advance(Duration.ofMillis(1));
            round(serve);
            await("the escalation", Duration.ofSeconds(10), () -> delivered(serve, id, "ops", "incident.escalated"));
        }
    }

    @Test
    void anIncidentResolvedInsideTheWindowIsNeverAlerted() {
        TestClock clock = new TestClock(T0);
        Instant end = T0.plus(Duration.ofMinutes(30));
        try (Receiver hook = Receiver.start(); ServeFixture serve = clocked("resolved-inside", clock, hook, end)) {
            long id = confirmDown(serve, clock, "weather");
            round(serve);
            recover(serve, clock, "weather");
            assertThat(serve.get("/api/incidents/" + id).path("status").asString()).isEqualTo("resolved");
            assertThat(clock.instant()).as("resolved inside the window").isBefore(end);

            clock.set(end.plusSeconds(2));
            round(serve);
            round(serve);

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
