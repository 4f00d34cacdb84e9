package dev.mcpwatch.reliability;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import dev.mcpwatch.testkit.WebFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Burn-rate alerts on a running mcpwatch, as two nodes would raise them: a monitor probed once a
 * minute for three and a half days, down for 30 minutes from 12:00, with an availability SLO of 99 %
 * over 30 days and the workbook's three alerts; a second monitor that stays healthy. Evaluated minute
 * by minute (a settable clock, no sleeps), the SLO's alerts start and stop at the minutes the
 * arithmetic gives, each once although two evaluators run, and reach a webhook through the P1 route
 * with a dedup key per SLO and window.
 */
@Timeout(120)
class SloBurnAlertsTest {
    private static final long MIN = 60_000;

    @Test
    void theFastAndTheSlowPageStartAndStopOnceAtTheirMinutesAndTheSteadyMonitorNeverBurns() throws Exception {
        History h = new History("2026-11-27T00:00:00Z", Duration.ofDays(4)).monitor("api").monitor("steady");
        h.outage("api", "2026-11-30T12:00:00Z", Duration.ofMinutes(30), History.Response.p1(Reason.CONNECTION_REFUSED));
        TestClock clock = new TestClock(Instant.parse("2026-11-30T11:50:30Z"));
        try (Receiver hook = Receiver.start(); WebFixture web = WebFixture.start(ServeFixture.tempDir("mcpwatch-slo-burn-"), """
                monitors: []
                alerting:
                  channels:
                    hook: {type: webhook, url: "%s"}
                  routes:
                    - name: pages
                      match: {severity: [P1]}
                      channels: [hook]
                  delivery: {poll: 200ms, backoff: {initial: 300ms, max: 1s}}
                slos:
                  - {id: api-availability, name: API availability, monitor: api, target: 99%%}
                  - {id: steady-availability, monitor: steady, target: 99%%}
                """.formatted(hook.url("/alerts")), clock)) {
            HistoryRows.write(web.app().database(), h, Map.of("api", List.of("prod"), "steady", List.of("prod")), day -> true);
            List<MonitorEvent.SloBurn> events = new CopyOnWriteArrayList<>();
            web.app().events().listen((c, e) -> {
                if (e instanceof MonitorEvent.SloBurn b) {
                    events.add(b);
                }
            });
            List<Slo> slos = List.of(
                    new SloSettings("api-availability", "API availability", "api", null, null, 0.99, null, null, null, null, null).slo(),
                    new SloSettings("steady-availability", null, "steady", null, null, 0.99, null, null, null, null, null).slo());
            SloBoard board = new SloBoard(web.app().database(), () -> slos, List::<MaintenanceWindow>of);
            SloAlerts nodeA = new SloAlerts(web.app().database(), board, web.app().events());
            SloAlerts nodeB = new SloAlerts(web.app().database(), board, web.app().events());

            for (int i = 0; i < 75; i++) {
                nodeA.round(clock.millis());
                nodeB.round(clock.millis());
                clock.advance(Duration.ofMinutes(1));
            }

            assertThat(events).extracting(e -> e.type() + " " + e.sloId() + " " + e.alert() + " " + Instant.ofEpochMilli(e.at()))
                    .containsExactly(
                            // 9 failed of the hour's 60 probes is 15× the 1 % budget's rate; the last 5 minutes all failed
                            "slo.burn api-availability 1h/5m 2026-11-30T12:08:30Z",
                            // 22 of 6 hours' 360 is 6.1×, and the last 30 minutes are well above 6×
                            "slo.burn api-availability 6h/30m 2026-11-30T12:21:30Z",
                            // the last 5 minutes are healthy again: 12:30 to 12:34
                            "slo.burn_resolved api-availability 1h/5m 2026-11-30T12:34:30Z",
                            // the last 30 minutes hold one failed probe (12:29): 3.3× < 6×
                            "slo.burn_resolved api-availability 6h/30m 2026-11-30T12:58:30Z");
            assertThat(events.getFirst().severity().wireName()).isEqualTo("P1");
            assertThat(events.getFirst().message()).contains("SLO API availability (monitor api, 99.000 % availability over 30d)")
                    .contains("burn rate 15.0× over the last 1h and 100.0× over the last 5m");
            assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM slo_burns")).isEqualTo(2);
            assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM slo_burns WHERE stopped_at IS NULL")).isZero();

            // One outbox row per start and stop, on the P1 route's channel, keyed per SLO and window.
            String rows = web.app().database().read(c -> {
                StringBuilder sb = new StringBuilder();
                try (var ps = c.prepareStatement("SELECT event, route, channel, dedup_key FROM alert_outbox ORDER BY id"); var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sb.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3)).append(' ')
                                .append(rs.getString(4)).append('\n');
                    }
                }
                return sb.toString();
            });
            assertThat(rows).isEqualTo("""
                    slo.burn pages hook mcpwatch:slo:api-availability:1h/5m
                    slo.burn pages hook mcpwatch:slo:api-availability:6h/30m
                    slo.burn_resolved pages hook mcpwatch:slo:api-availability:1h/5m
                    slo.burn_resolved pages hook mcpwatch:slo:api-availability:6h/30m
                    """);
            // The test's clock ran an hour on in a second, so a delivery's claim may have looked stale and been
            // delivered again (at least once, by design); each start and stop arrives, with its dedup key.
            await("the four alerts delivered", Duration.ofSeconds(20), () -> hook.requests().stream()
                    .map(r -> r.json().path("event").asString() + " " + r.json().path("dedup_key").asString()).distinct().count() == 4);
            assertThat(hook.withJson("event", "slo.burn_resolved")).extracting(r -> r.json().path("status").asString()).containsOnly("resolved");
            var first = hook.withJson("dedup_key", "mcpwatch:slo:api-availability:1h/5m").getFirst().json();
            assertThat(first.path("severity").asString()).isEqualTo("P1");
            assertThat(first.path("status").asString()).isEqualTo("burning");
            assertThat(first.path("monitor").path("id").asString()).isEqualTo("api");
            assertThat(first.path("dashboard_url").asString()).endsWith("/reliability?monitor=api#slos");
        }
    }

    @Test
    void anAlertOfAnSloThatIsNoLongerConfiguredStops() throws Exception {
        History h = new History("2026-11-29T00:00:00Z", Duration.ofDays(2)).monitor("api");
        h.outage("api", "2026-11-30T12:00:00Z", Duration.ofHours(2), History.Response.p1(Reason.CONNECTION_REFUSED));
        TestClock clock = new TestClock(Instant.parse("2026-11-30T12:30:30Z"));
        try (WebFixture web = WebFixture.start(ServeFixture.tempDir("mcpwatch-slo-gone-"), "monitors: []\n", clock)) {
            HistoryRows.write(web.app().database(), h, Map.of("api", List.of()), day -> true);
            List<MonitorEvent.SloBurn> events = new CopyOnWriteArrayList<>();
            web.app().events().listen((c, e) -> {
                if (e instanceof MonitorEvent.SloBurn b) {
                    events.add(b);
                }
            });
            List<Slo> configured = new CopyOnWriteArrayList<>(List.of(
                    new SloSettings("api", null, "api", null, null, 0.99, null, null, null, null, null).slo()));
            SloAlerts alerts = new SloAlerts(web.app().database(), new SloBoard(web.app().database(), () -> configured, List::of),
                    web.app().events());
            alerts.round(clock.millis());
            configured.clear();
            alerts.round(clock.advance(Duration.ofMinutes(1)).millis());

            // two hours down of two and a half days: all three alerts burn, and all three stop with the SLO
            assertThat(events).extracting(e -> e.type() + " " + e.alert()).containsExactly("slo.burn 1h/5m", "slo.burn 6h/30m",
                    "slo.burn 3d/6h", "slo.burn_resolved 1h/5m", "slo.burn_resolved 6h/30m", "slo.burn_resolved 3d/6h");
            assertThat(events.getLast().message()).contains("no longer configured");
        }
    }
}
