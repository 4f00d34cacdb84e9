package dev.mcpwatch.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One incident per monitor, its severity that of its most severe cause: how an outage and a
 * degradation share it. The state machine's moves come from {@link MonitorState#after} itself.
 */
class IncidentCourseTest {
    private static final Failure REFUSED = new Failure(Reason.CONNECTION_REFUSED, Phase.CONNECT, "Connection refused to 127.0.0.1:443");
    private static final Failure TOOLS_MISSING = new Failure(Reason.TOOLS_MISSING, Phase.TOOLS_LIST, "Expected tool `a` is missing");
    private static final Degradation SLOW = new Degradation(Severity.P2,
            new Failure(Reason.TIMEOUT, Phase.TOTAL, "p95 latency 420 ms is 2.8× the baseline of 150 ms"), 5_000, 0,
            List.of("latency.baseline"));

    private static final MonitorState UP = new MonitorState(MonitorStatus.UP, 0, 5, null, null, null, 10);
    private static final MonitorState UP_DEGRADED = new MonitorState(MonitorStatus.UP, 0, 5, null, null, 7L, 10);
    private static final MonitorState TWO_FAILURES = new MonitorState(MonitorStatus.SUSPECT, 2, 0, 1_000L, 41L, null, 10);
    private static final MonitorState DOWN_ONE_SUCCESS = new MonitorState(MonitorStatus.DOWN, 0, 1, null, null, 7L, 10);

    private static Transition fails(MonitorState s, Failure f) {
        return s.after(new Observation(43, 9_000, 9_500, f), 3, 2);
    }

    private static Transition passes(MonitorState s) {
        return s.after(new Observation(44, 9_000, 9_500, null), 3, 2);
    }

    @Test
    void anOutageOnAHealthyMonitorOpensAnIncidentAtTheOutagesSeverity() {
        var step = IncidentCourse.decide(fails(TWO_FAILURES, REFUSED), null, null, 9_500);

        assertThat(step).isEqualTo(new IncidentCourse.Open(Severity.P1, REFUSED, 1_000, 9_500, 41L, 3, true));
    }

    @Test
    void anOutageOnADegradedMonitorTakesOverItsIncidentInsteadOfOpeningASecond() {
        MonitorState suspectDegraded = new MonitorState(MonitorStatus.SUSPECT, 2, 0, 1_000L, 41L, 7L, 10);

        var step = IncidentCourse.decide(fails(suspectDegraded, REFUSED), Severity.P2, SLOW, 9_500);

        assertThat(step).isInstanceOf(IncidentCourse.TakeOver.class);
        assertThat(((IncidentCourse.TakeOver) step).severity()).isEqualTo(Severity.P1);
        assertThat(((IncidentCourse.TakeOver) step).outage().failure()).isEqualTo(REFUSED);
    }

    @Test
    void whenTheOutageEndsButTheDegradationHoldsTheSeverityFallsBackAndTheIncidentStaysOpen() {
        var step = IncidentCourse.decide(passes(DOWN_ONE_SUCCESS), Severity.P1, SLOW, 9_500);

        assertThat(step).isEqualTo(new IncidentCourse.Change(Severity.P2, SLOW.headline(),
                "the outage is over; still degraded: p95 latency 420 ms is 2.8× the baseline of 150 ms"));
    }

    @Test
    void whenTheOutageEndsAndNothingIsDegradedTheIncidentResolves() {
        assertThat(IncidentCourse.decide(passes(DOWN_ONE_SUCCESS), Severity.P1, null, 9_500))
                .isEqualTo(new IncidentCourse.Resolve(9_500, "recovered"));
    }

    @Test
    void aDegradationOnAMonitorThatIsUpOpensAP2IncidentFromWhenItBegan() {
        assertThat(IncidentCourse.decide(passes(UP), null, SLOW, 9_500))
                .isEqualTo(new IncidentCourse.Open(Severity.P2, SLOW.headline(), 5_000, 9_500, null, 0, false));
    }

    @Test
    void aDegradationIncidentResolvesWhenTheDegradationClears() {
        assertThat(IncidentCourse.decide(passes(UP_DEGRADED), Severity.P2, null, 9_500))
                .isEqualTo(new IncidentCourse.Resolve(9_500, "recovered"));
    }

    @Test
    void aSingleFailureDuringADegradationKeepsTheIncidentAsItIs() {
        assertThat(IncidentCourse.decide(fails(UP_DEGRADED, REFUSED), Severity.P2, SLOW, 9_500)).isEqualTo(new IncidentCourse.Keep());
    }

    @Test
    void whileDownTheOutageHoldsTheIncidentWhateverElseHappens() {
        MonitorState down = new MonitorState(MonitorStatus.DOWN, 4, 0, 1_000L, 41L, 7L, 10);

        assertThat(IncidentCourse.decide(fails(down, REFUSED), Severity.P1, SLOW, 9_500)).isEqualTo(new IncidentCourse.Keep());
        assertThat(IncidentCourse.decide(fails(down, REFUSED), Severity.P1, null, 9_500)).isEqualTo(new IncidentCourse.Keep());
    }

    @Test
    void aP2OutageWithADegradationOpensAtP2() {
        var step = IncidentCourse.decide(fails(TWO_FAILURES, TOOLS_MISSING), null, SLOW, 9_500);

        assertThat(((IncidentCourse.Open) step).severity()).isEqualTo(Severity.P2);
    }

    @Test
    void nothingWrongDoesNothing() {
        assertThat(IncidentCourse.decide(passes(UP), null, null, 9_500)).isEqualTo(new IncidentCourse.Keep());
        assertThat(IncidentCourse.decide(fails(UP, REFUSED), null, null, 9_500)).as("one failure is not an incident")
                .isEqualTo(new IncidentCourse.Keep());
    }
}
