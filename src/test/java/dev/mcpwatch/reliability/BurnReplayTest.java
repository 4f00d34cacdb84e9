package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Burn-rate alerts replayed over generated histories, evaluated once a minute (at :30, after that
 * minute's probe) as serve does: which of the workbook's three alerts starts and stops when, worked
 * out by hand. One probe a minute; at a 99 % target the budget is 1 % of probes, so the 1 h/5 min
 * alert (14.4×) needs 14.4 % of the last hour bad — 9 of 60 minutes — and 14.4 % of the last five.
 */
class BurnReplayTest {

    record Event(String alert, String what, Instant at) {
        @Override
        public String toString() {
            return alert + " " + what + " " + at;
        }
    }

    static Slo availability(double target) {
        return new Slo("weather-availability", "Weather answers", "weather", null, Objective.AVAILABILITY, target, Duration.ofDays(30), null,
                null, BurnAlert.DEFAULTS, false);
    }

    /** Evaluates every minute at :30 from {@code from} to {@code to}, keeping firing state as the store would. */
    static List<Event> replay(Slo slo, CountSource source, String from, String to) {
        List<Event> out = new ArrayList<>();
        Set<String> firing = new HashSet<>();
        for (long t = History.at(from) + 30_000; t < History.at(to); t += 60_000) {
            SloStatus s = SloStatus.evaluate(slo, source, t);
            for (SloStatus.Reading r : s.started(firing)) {
                out.add(new Event(r.name(), "fires", Instant.ofEpochMilli(t)));
                firing.add(r.name());
            }
            for (SloStatus.Reading r : s.stopped(firing)) {
                out.add(new Event(r.name(), "stops", Instant.ofEpochMilli(t)));
                firing.remove(r.name());
            }
        }
        return out;
    }

    private static Event e(String alert, String what, String at) {
        return new Event(alert, what, Instant.parse(at));
    }

    @Test
    void anHourLongOutagePagesFastThenSlowThenTicketsAndEachStopsWithItsShortWindow() {
        History h = new History("2026-11-01T00:00:00Z", Duration.ofDays(8)).monitor("weather");
        h.failing("weather", History.at("2026-11-05T10:00:00Z"), History.at("2026-11-05T11:00:00Z"));
        CountSource source = h.new Rollups(List.of("weather"), ms -> true).source(Objective.AVAILABILITY, TimeSet.EMPTY);

        assertThat(replay(availability(0.99), source, "2026-11-05T00:00:00Z", "2026-11-06T00:00:00Z")).containsExactly(
                // 9 of the last 60 minutes bad (15 %), all of the last 5
                e("1h/5m", "fires", "2026-11-05T10:08:30Z"),
                // 22 of 360 minutes (6.1 %), 22 of 30
                e("6h/30m", "fires", "2026-11-05T10:21:30Z"),
                // 44 of 4,320 minutes (1.02 %), 44 of 360
                e("3d/6h", "fires", "2026-11-05T10:43:30Z"),
                // the last five minutes clean: 11:00–11:04
                e("1h/5m", "stops", "2026-11-05T11:04:30Z"),
                // one bad minute (10:59) of the last 30 is 3.3 %, under 6 %
                e("6h/30m", "stops", "2026-11-05T11:28:30Z"),
                // three bad minutes of the last 360 (10:57–10:59) are 0.83 %, under 1 %
                e("3d/6h", "stops", "2026-11-05T16:56:30Z"));

        SloStatus at = SloStatus.evaluate(availability(0.99), source, History.at("2026-11-05T10:08:30Z"));
        assertThat(at.burnRates().get("1h")).isCloseTo(15.0, offset(1e-9));
        assertThat(at.burnRates().get("5m")).isCloseTo(100.0, offset(1e-9));
    }

    @Test
    void theBudgetIsCountedInProbesAndInMinutesOfTheWindow() {
        History h = new History("2026-10-01T00:00:00Z", Duration.ofDays(60)).monitor("weather");
        h.failing("weather", History.at("2026-11-05T10:00:00Z"), History.at("2026-11-05T11:00:00Z"));
        CountSource source = h.new Rollups(List.of("weather"), ms -> true).source(Objective.AVAILABILITY, TimeSet.EMPTY);

        Budget b = SloStatus.evaluate(availability(0.99), source, History.at("2026-11-20T12:00:30Z")).budget();
        assertThat(b.counts()).isEqualTo(new Counts(43_200 - 60, 43_200));
        assertThat(b.allowedEvents()).isCloseTo(432.0, offset(1e-9));
        assertThat(b.consumedEvents()).isEqualTo(60);
        assertThat(b.remainingEvents()).isCloseTo(372.0, offset(1e-9));
        assertThat(b.consumed()).isCloseTo(60 / 432.0, offset(1e-12));
        assertThat(b.allowedMinutes()).isCloseTo(432.0, offset(1e-9));
        assertThat(b.consumedMinutes()).isCloseTo(60.0, offset(1e-9));
        assertThat(b.remainingMinutes()).isCloseTo(372.0, offset(1e-9));
        assertThat(b.attainment()).isEqualTo(43_140 / 43_200.0);

        Budget later = SloStatus.evaluate(availability(0.99), source, History.at("2026-12-05T10:30:30Z")).budget();
        // 30 days on, the outage is leaving the window: the 30 days ending with the minute 10:30 start at 10:31
        assertThat(later.consumedEvents()).isEqualTo(29);

        List<SloStatus.BudgetPoint> chart = SloStatus.budgetOverWindow(availability(0.99), source, History.at("2026-11-20T12:00:30Z"),
                Duration.ofDays(1));
        assertThat(chart.getFirst().remaining()).isEqualTo(1.0);
        assertThat(chart.getLast().remaining()).isCloseTo(372 / 432.0, offset(1e-12));
        assertThat(chart.getLast().at()).isEqualTo(History.at("2026-11-20T12:01:00Z"));
        assertThat(chart).hasSize(31);
    }

    @Test
    void maintenanceIsNotCountedSoAnOutageThatOutlastsItPagesOnlyAfterIt() {
        History h = new History("2026-11-01T00:00:00Z", Duration.ofDays(8)).monitor("weather");
        h.failing("weather", History.at("2026-11-05T10:00:00Z"), History.at("2026-11-05T11:00:00Z"));
        TimeSet window = TimeSet.of(List.of(new Span(History.at("2026-11-05T10:00:00Z"), History.at("2026-11-05T10:30:00Z"))));
        CountSource source = h.new Rollups(List.of("weather"), ms -> true).source(Objective.AVAILABILITY, window);

        List<Event> events = replay(availability(0.99), source, "2026-11-05T00:00:00Z", "2026-11-05T12:00:00Z");
        // the hour's 30 counted minutes: 29 − k good before 10:00, k + 1 bad from 10:30; 4.32 bad needed
        assertThat(events.getFirst()).isEqualTo(e("1h/5m", "fires", "2026-11-05T10:34:30Z"));
    }

    @Test
    void aSlowBurnRaisesTheTicketAndNeverPages() {
        History h = new History("2026-11-01T00:00:00Z", Duration.ofDays(7)).monitor("weather");
        for (long t = h.start + 49 * History.MINUTE; t < h.end(); t += 50 * History.MINUTE) {
            h.failing("weather", t, t + History.MINUTE);
        }
        CountSource source = h.new Rollups(List.of("weather"), ms -> true).source(Objective.AVAILABILITY, TimeSet.EMPTY);

        // 2 % of probes fail: a 2× burn, steady. The ticket's 1× holds from the first failure on; the
        // pages' 14.4× and 6× are never reached (an hour holds at most two failures, 3.3 %).
        assertThat(replay(availability(0.99), source, "2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z"))
                .containsExactly(e("3d/6h", "fires", "2026-11-01T00:49:30Z"));
    }

    @Test
    void slowHealthyProbesBurnALatencyObjective() {
        History h = new History("2026-11-01T00:00:00Z", Duration.ofDays(8)).monitor("weather");
        h.slow("weather", History.at("2026-11-05T10:00:00Z"), History.at("2026-11-05T12:00:00Z"), 1_500);
        Slo fast = new Slo("weather-fast", null, "weather", null, Objective.LATENCY, 0.99, Duration.ofDays(30), Duration.ofMillis(800), null,
                List.of(BurnAlert.DEFAULTS.getFirst()), false);
        CountSource source = h.new Rollups(List.of("weather"), ms -> ms < 800).source(Objective.LATENCY, TimeSet.EMPTY);

        assertThat(replay(fast, source, "2026-11-05T00:00:00Z", "2026-11-06T00:00:00Z")).containsExactly(
                e("1h/5m", "fires", "2026-11-05T10:08:30Z"), e("1h/5m", "stops", "2026-11-05T12:04:30Z"));
    }

    @Test
    void aSteadyHealthyMonitorNeverFires() {
        History h = new History("2026-09-01T00:00:00Z", Duration.ofDays(60)).monitor("weather");
        Random random = new Random(7);
        // healthy, with latency that wanders well under the threshold
        for (int m = 0; m < h.minutes; m++) {
            h.probes("weather").totalMs[m] = 50 + random.nextDouble() * 600;
        }
        History.Rollups rollups = h.new Rollups(List.of("weather"), ms -> ms < 800);
        Slo strict = availability(0.9999);
        Slo fast = new Slo("weather-fast", null, "weather", null, Objective.LATENCY, 0.999, Duration.ofDays(28), Duration.ofMillis(800), null,
                BurnAlert.DEFAULTS, false);

        assertThat(replay(strict, rollups.source(Objective.AVAILABILITY, TimeSet.EMPTY), "2026-09-01T00:00:00Z", "2026-10-31T00:00:00Z")).isEmpty();
        assertThat(replay(fast, rollups.source(Objective.LATENCY, TimeSet.EMPTY), "2026-09-01T00:00:00Z", "2026-10-31T00:00:00Z")).isEmpty();
        SloStatus end = SloStatus.evaluate(strict, rollups.source(Objective.AVAILABILITY, TimeSet.EMPTY), History.at("2026-10-30T23:59:30Z"));
        assertThat(end.budget().remaining()).isEqualTo(1.0);
        assertThat(end.budget().attainment()).isEqualTo(1.0);
        assertThat(end.burnRates().values()).allMatch(r -> r == 0.0);
    }

    @Test
    void aWindowWithNoProbesDoesNotBurn() {
        History h = new History("2026-11-01T00:00:00Z", Duration.ofDays(2)).monitor("weather");
        h.paused("weather", History.at("2026-11-01T10:00:00Z"), History.at("2026-11-01T12:00:00Z"));
        CountSource source = h.new Rollups(List.of("weather"), ms -> true).source(Objective.AVAILABILITY, TimeSet.EMPTY);
        SloStatus s = SloStatus.evaluate(availability(0.99), source, History.at("2026-11-01T11:30:30Z"));
        assertThat(s.burnRates().get("5m")).isNull();
        assertThat(s.alerts()).noneMatch(SloStatus.Reading::burning);
    }
}
