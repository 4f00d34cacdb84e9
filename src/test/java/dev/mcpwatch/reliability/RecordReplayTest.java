package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Layer;
import dev.mcpwatch.probe.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three months of a small installation replayed minute by minute — weather and search tagged prod,
 * docs internal — with outages, a maintenance window, a pause, a severity that rose and fell, a
 * remediation, a removal and an incident still open when the record is read. Every figure below was
 * worked out by hand from the history: MTTD onset → first alert (detection when none), MTTA first
 * alert → acknowledgement, MTTR detection → resolution, all outside maintenance and pauses.
 */
class RecordReplayTest {
    private static final long MIN = 60_000;
    private static final List<String> ALL = List.of("weather", "search", "docs");
    private static final List<String> PROD = List.of("weather", "search");

    private History h;
    private TimeSet weatherMaintenance;
    private TimeSet docsPaused;
    private long now;

    @BeforeEach
    void history() {
        h = new History("2026-09-01T00:00:00Z", Duration.ofDays(30 + 31 + 30)).monitor("weather").monitor("search").monitor("docs");
        now = h.end();

        // September: three outages, three ways of ending.
        h.outage("weather", "2026-09-03T10:00:00Z", Duration.ofMinutes(20), History.Response.p1(Reason.CONNECTION_REFUSED)
                .notified(Duration.ofSeconds(30)).acked(Duration.ofMinutes(4)));
        h.outage("weather", "2026-09-17T22:00:00Z", Duration.ofMinutes(10), History.Response.p1(Reason.TOOL_CALL_ERROR)
                .severity(Severity.P2).notified(Duration.ofMinutes(1)));
        h.outage("search", "2026-09-20T03:00:00Z", Duration.ofMinutes(40), History.Response.p1(Reason.TIMEOUT)
                .notified(Duration.ofSeconds(30)).acked(Duration.ofMinutes(10)).by(ResolvedBy.REMEDIATION));

        // October: a deploy window 02:00–03:00 on weather. An outage wholly inside it is the
        // maintenance's; one that starts inside and outlasts it counts from 03:00, when its held alert
        // went out (5 s later).
        weatherMaintenance = TimeSet.of(List.of(new Span(History.at("2026-10-08T02:00:00Z"), History.at("2026-10-08T03:00:00Z"))));
        h.outage("weather", "2026-10-08T02:10:00Z", Duration.ofMinutes(30), History.Response.p1(Reason.CONNECTION_REFUSED));
        h.outage("weather", "2026-10-08T02:50:00Z", Duration.ofMinutes(30), History.Response.p1(Reason.CONNECTION_REFUSED)
                .notified(Duration.ofMinutes(8).plusSeconds(5)).acked(Duration.ofMinutes(4).plusSeconds(55)));
        // docs paused for a day (no probes), and one short outage with no alerting configured.
        docsPaused = TimeSet.of(List.of(new Span(History.at("2026-10-20T00:00:00Z"), History.at("2026-10-21T00:00:00Z"))));
        h.paused("docs", docsPaused.spans().getFirst().start(), docsPaused.spans().getFirst().end());
        h.outage("docs", "2026-10-25T12:00:00Z", Duration.ofMinutes(5), History.Response.p1(Reason.DNS_UNRESOLVED).acked(Duration.ofMinutes(1)));

        // November: a P2 that rose to P1 and fell back, a monitor removed mid-outage, one still open.
        long rise = History.at("2026-11-10T08:20:00Z");
        long fall = History.at("2026-11-10T08:50:00Z");
        h.outage("search", "2026-11-10T08:00:00Z", Duration.ofMinutes(60), History.Response.p1(Reason.TOOLS_MISSING).severity(Severity.P2)
                .notified(Duration.ofSeconds(20)).acked(Duration.ofMinutes(10)).change(rise, Severity.P1).change(fall, Severity.P2));
        h.outage("weather", "2026-11-20T14:00:00Z", Duration.ofMinutes(30), History.Response.p1(Reason.HTTP_ERROR).by(ResolvedBy.REMOVAL));
        h.outage("search", "2026-11-30T23:00:00Z", Duration.ofHours(2), History.Response.p1(Reason.CONNECTION_REFUSED));
    }

    private Figures figures(String month, List<String> monitors) {
        Period p = Period.month(Period.parseMonth(month));
        Availability a = Availability.NONE;
        for (String m : monitors) {
            a = a.plus(h.new Rollups(List.of(m), ms -> true).availability(p, maintenance(m), paused(m), 0));
        }
        return Figures.of(p, a, h.incidentsOf(monitors), m -> maintenance(m).union(paused(m)), now);
    }

    private TimeSet maintenance(String m) {
        return m.equals("weather") ? weatherMaintenance : TimeSet.EMPTY;
    }

    private TimeSet paused(String m) {
        return m.equals("docs") ? docsPaused : TimeSet.EMPTY;
    }

    @Test
    void septemberHasThreeIncidentsEndedThreeWays() {
        Figures sep = figures("2026-09", ALL);

        assertThat(sep.incidents()).isEqualTo(3);
        assertThat(sep.bySeverity()).isEqualTo(Map.of(Severity.P1, 2, Severity.P2, 1));
        assertThat(sep.byReason()).isEqualTo(Map.of(Reason.CONNECTION_REFUSED, 1, Reason.TOOL_CALL_ERROR, 1, Reason.TIMEOUT, 1));
        assertThat(sep.byLayer()).isEqualTo(Map.of(Layer.TCP, 1, Layer.TOOLS, 1, Layer.TIME, 1));
        assertThat(sep.outcomes()).isEqualTo(Map.of(Outcome.HUMAN, 1, Outcome.UNATTENDED, 1, Outcome.REMEDIATED, 1));

        // MTTD: 2 min to confirm + 30 s, + 1 min, + 30 s
        assertThat(sep.mttd()).isEqualTo(new DurationStats(3, 160_000.0, 150_000.0, 174_000.0));
        // MTTA: 4 min and 10 min; the P2 was never acknowledged
        assertThat(sep.mtta()).isEqualTo(new DurationStats(2, 420_000.0, 420_000.0, 564_000.0));
        // MTTR, detection to the second healthy probe: 19, 9 and 39 minutes
        assertThat(sep.mttr()).isEqualTo(new DurationStats(3, 1_340_000.0, 1_140_000.0, 2_100_000.0));
        assertThat(sep.mttrByOutcome().get(Outcome.REMEDIATED)).isEqualTo(new DurationStats(1, 2_340_000.0, 2_340_000.0, 2_340_000.0));

        // 3 monitors × 43,200 probes, 20 + 10 + 40 failed
        assertThat(sep.availability()).isEqualTo(new Availability(129_600, 70, 0, 0, 0, 0));
        assertThat(sep.availability().ratio()).isEqualTo(129_530 / 129_600.0);
        // onset to resolution: 21 + 41 minutes at P1, 11 at P2
        assertThat(sep.timeInSeverityMs()).isEqualTo(Map.of(Severity.P1, 62 * MIN, Severity.P2, 11 * MIN));
    }

    @Test
    void octoberLeavesMaintenanceAndPausedTimeOutOfEveryFigure() {
        Figures oct = figures("2026-10", ALL);

        assertThat(oct.incidents()).as("the outage wholly inside the window is not counted").isEqualTo(2);
        assertThat(oct.inMaintenance()).isEqualTo(1);
        // weather: onset 02:50 in the window, alert at 03:00:05 → 5 s; docs: no alert, 2 min to detect
        assertThat(oct.mttd()).isEqualTo(new DurationStats(2, 62_500.0, 62_500.0, 108_500.0));
        assertThat(oct.mtta()).isEqualTo(new DurationStats(2, 177_500.0, 177_500.0, 271_500.0));
        // weather: detected 02:52, resolved 03:21 → 21 watched minutes; docs: 4 minutes
        assertThat(oct.mttr()).isEqualTo(new DurationStats(2, 750_000.0, 750_000.0, 1_158_000.0));

        // 3 × 44,640 probes; weather's 60 in the window apart (40 of them failed); docs paused for 1,440
        assertThat(oct.availability()).isEqualTo(new Availability(133_920 - 60 - 1_440, 20 + 5, 60, 40, 3_600_000, 86_400_000));
        assertThat(oct.timeInSeverityMs()).isEqualTo(Map.of(Severity.P1, (21 + 6) * MIN));

        IncidentLine inWindow = oct.lines().stream().filter(IncidentLine::inMaintenance).findFirst().orElseThrow();
        assertThat(inWindow.incident().onsetAt()).isEqualTo(History.at("2026-10-08T02:10:00Z"));
        assertThat(oct.countedLines()).extracting(l -> l.incident().monitorId()).containsExactlyInAnyOrder("weather", "docs");
    }

    @Test
    void novemberCountsAnIncidentByTheSeverityItWasConfirmedWithAndItsTimeByTheSeverityInForce() {
        Figures nov = figures("2026-11", ALL);

        assertThat(nov.incidents()).isEqualTo(3);
        assertThat(nov.bySeverity()).as("the P2 that rose to P1 is a P2 incident").isEqualTo(Map.of(Severity.P1, 2, Severity.P2, 1));
        assertThat(nov.outcomes()).isEqualTo(Map.of(Outcome.HUMAN, 1, Outcome.WITHDRAWN, 1, Outcome.OPEN, 1));
        // only the P2 was restored: detected 08:02, second healthy probe 09:01
        assertThat(nov.mttr()).isEqualTo(new DurationStats(1, 3_540_000.0, 3_540_000.0, 3_540_000.0));
        // 2 min 20 s, 2 min (removed monitor, no alert), 2 min (open, no alert)
        assertThat(nov.mttd().count()).isEqualTo(3);
        assertThat(nov.mttd().medianMs()).isEqualTo(120_000.0);
        assertThat(nov.mttd().meanMs()).isEqualTo(126_666.667);
        // P2 08:00–08:20 and 08:50–09:01; P1 08:20–08:50, the removed monitor's 31 min and the open
        // one's last hour of November
        assertThat(nov.timeInSeverityMs()).isEqualTo(Map.of(Severity.P2, 31 * MIN, Severity.P1, (30 + 31 + 60) * MIN));
    }

    @Test
    void aTagCountsOnlyItsMonitors() {
        Figures prod = figures("2026-10", PROD);
        assertThat(prod.incidents()).isEqualTo(1);
        assertThat(prod.availability()).isEqualTo(new Availability(2 * 44_640 - 60, 20, 60, 40, 3_600_000, 0));
        assertThat(figures("2026-10", List.of("docs")).availability().pausedMs()).isEqualTo(86_400_000);
    }

    @Test
    void eachMonthSaysHowItMovedFromTheOneBefore() {
        Figures sep = figures("2026-09", ALL);
        Figures oct = figures("2026-10", ALL);
        Change c = Change.between(sep, oct);

        assertThat(c.incidents()).isEqualTo(-1);
        assertThat(c.p1()).isZero();
        assertThat(c.p2()).isEqualTo(-1);
        assertThat(c.mttrMeanMs()).isEqualTo(750_000.0 - 1_340_000.0);
        assertThat(c.mttdMedianMs()).isEqualTo(62_500.0 - 150_000.0);
        assertThat(c.availabilityPoints()).isCloseTo(100.0 * (1 - 25 / 132_420.0) - 100.0 * (1 - 70 / 129_600.0),
                org.assertj.core.data.Offset.offset(1e-12));
    }
}
