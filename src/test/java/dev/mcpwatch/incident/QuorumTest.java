package dev.mcpwatch.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The quorum of locations: down when enough live locations confirm it, regional when fewer do, up
 * when none does; vanished locations never count; with one location the monitor moves exactly as
 * that location's own state machine does (the single-node install is unchanged).
 */
class QuorumTest {
    private static final long NOW = 1_000_000;
    private static final long WINDOW = 180_000;
    private static final Failure REFUSED = new Failure(Reason.CONNECTION_REFUSED, Phase.CONNECT, "Connection refused to 127.0.0.1:443");
    private static final Failure AUTH = new Failure(Reason.AUTH_REQUIRED, Phase.INITIALIZE, "401 without credentials");
    private static final MonitorStatus[] STATUSES = {MonitorStatus.UP, MonitorStatus.SUSPECT, MonitorStatus.DOWN};

    private static Quorum.Location at(String name, MonitorStatus status, long lastProbeAt) {
        boolean down = status.confirmed();
        MonitorState s = new MonitorState(status, status == MonitorStatus.UP ? 0 : 3, status == MonitorStatus.UP ? 5 : 0,
                status == MonitorStatus.UP ? null : lastProbeAt - 20_000, status == MonitorStatus.UP ? null : 100L, null, 10);
        return new Quorum.Location(name, s, down ? lastProbeAt - 5_000 : null, lastProbeAt, status == MonitorStatus.UP ? null : REFUSED,
                12.5);
    }

    private static Quorum.Location live(String name, MonitorStatus status) {
        return at(name, status, NOW - 30_000);
    }

    private static Quorum.Location vanished(String name, MonitorStatus status) {
        return at(name, status, NOW - WINDOW - 1);
    }

    @Test
    void oneLocationFailingOfTwoIsRegionalAndNamesIt() {
        var v = Quorum.judge(List.of(live("us-east", MonitorStatus.UP), live("eu-west", MonitorStatus.DOWN)), null, 2, NOW, WINDOW);

        assertThat(v.kind()).isEqualTo(Quorum.Kind.REGIONAL);
        assertThat(v.failingNames()).containsExactly("eu-west");
        assertThat(v.headline()).isEqualTo("down from eu-west (1 of 2 locations)");
        Degradation d = Quorum.regional(v, Severity.P2);
        assertThat(d.severity()).as("a regional degradation is never a P1 page").isEqualTo(Severity.P2);
        assertThat(d.headline().reason()).isEqualTo(Reason.CONNECTION_REFUSED);
        assertThat(d.headline().message()).isEqualTo("down from eu-west (1 of 2 locations): Connection refused to 127.0.0.1:443");
        assertThat(d.since()).isEqualTo(NOW - 50_000);
        assertThat(d.causes()).containsExactly("regional");
    }

    @Test
    void aMonitorMayMakeItsRegionalDegradationAP3ButNeverAP1() {
        var v = Quorum.judge(List.of(live("us-east", MonitorStatus.UP), live("eu-west", MonitorStatus.DOWN)), null, 2, NOW, WINDOW);

        assertThat(Quorum.regional(v, Severity.P3).severity()).isEqualTo(Severity.P3);
        assertThatThrownBy(() -> Quorum.regional(v, Severity.P1)).hasMessageContaining("never a P1 page");
    }

    @Test
    void twoLocationsFailingOfTwoIsDownWithBothListed() {
        var v = Quorum.judge(List.of(live("us-east", MonitorStatus.DOWN), live("eu-west", MonitorStatus.AUTH_WALLED)), null, 2, NOW, WINDOW);

        assertThat(v.kind()).isEqualTo(Quorum.Kind.DOWN);
        assertThat(v.failingNames()).containsExactly("eu-west", "us-east");
        assertThat(v.needed()).isEqualTo(2);
        assertThat(Quorum.regional(v, Severity.P2)).as("an outage is not also a regional degradation").isNull();
    }

    @Test
    void suspectLocationsDoNotCountUntilTheyConfirm() {
        var v = Quorum.judge(List.of(live("a", MonitorStatus.SUSPECT), live("b", MonitorStatus.SUSPECT)), null, 2, NOW, WINDOW);

        assertThat(v.kind()).isEqualTo(Quorum.Kind.UP);
        assertThat(v.failing()).isEmpty();
    }

    @Test
    void aVanishedLocationNeverCountsAsDownAndTheQuorumAdaptsToTheLiveOnes() {
        var staleDown = Quorum.judge(List.of(live("a", MonitorStatus.UP), vanished("b", MonitorStatus.DOWN)), null, 2, NOW, WINDOW);
        assertThat(staleDown.kind()).as("the vanished location's last word was down; it no longer counts").isEqualTo(Quorum.Kind.UP);
        assertThat(staleDown.live()).isEqualTo(1);

        var three = List.of(live("a", MonitorStatus.DOWN), live("b", MonitorStatus.UP), vanished("c", MonitorStatus.UP));
        assertThat(Quorum.judge(three, null, 3, NOW, WINDOW).needed()).as("quorum 3 with two live locations needs both").isEqualTo(2);
        assertThat(Quorum.judge(three, null, 3, NOW, WINDOW).kind()).isEqualTo(Quorum.Kind.REGIONAL);
    }

    @Test
    void locationsWithoutALiveNodeDoNotCountWhenTheLiveOnesAreKnown() {
        var locations = List.of(live("a", MonitorStatus.DOWN), live("b", MonitorStatus.DOWN), live("c", MonitorStatus.UP));

        assertThat(Quorum.judge(locations, null, 2, NOW, WINDOW).kind()).isEqualTo(Quorum.Kind.DOWN);
        var withoutB = Quorum.judge(locations, Set.of("a", "c"), 2, NOW, WINDOW);
        assertThat(withoutB.kind()).isEqualTo(Quorum.Kind.REGIONAL);
        assertThat(withoutB.failingNames()).containsExactly("a");
    }

    @Test
    void aQuorumBelowOneIsRefused() {
        assertThatThrownBy(() -> Quorum.judge(List.of(), null, 0, NOW, WINDOW)).hasMessageContaining("quorum must be at least 1, got 0");
    }

    @Test
    void noLocationAtAllIsUp() {
        assertThat(Quorum.judge(List.of(), null, 2, NOW, WINDOW).kind()).isEqualTo(Quorum.Kind.UP);
    }

    /**
     * Every combination of up to four locations, each up, suspect or down and live or vanished, for
     * every quorum from 1 to 5: the verdict counts exactly the live confirmed-down locations against
     * the quorum capped at the number of live locations.
     */
    @Test
    void everyCombinationOfUpToFourLocationsIsJudgedByTheLiveConfirmedOnes() {
        int checked = 0;
        for (int n = 1; n <= 4; n++) {
            int combinations = (int) Math.pow(6, n);
            for (int code = 0; code < combinations; code++) {
                List<Quorum.Location> locations = new ArrayList<>();
                int live = 0;
                List<String> liveDown = new ArrayList<>();
                int c = code;
                for (int i = 0; i < n; i++) {
                    MonitorStatus status = STATUSES[c % 3];
                    boolean isLive = (c / 3) % 2 == 0;
                    c /= 6;
                    String name = "loc-" + i;
                    locations.add(isLive ? live(name, status) : vanished(name, status));
                    if (isLive) {
                        live++;
                        if (status.confirmed()) {
                            liveDown.add(name);
                        }
                    }
                }
                for (int quorum = 1; quorum <= 5; quorum++) {
                    var v = Quorum.judge(locations, null, quorum, NOW, WINDOW);
                    int needed = Math.max(1, Math.min(quorum, live));
                    Quorum.Kind expected = liveDown.isEmpty() ? Quorum.Kind.UP
                            : liveDown.size() >= needed ? Quorum.Kind.DOWN : Quorum.Kind.REGIONAL;
                    String what = locations + " quorum " + quorum;
                    assertThat(v.kind()).as(what).isEqualTo(expected);
                    assertThat(v.failingNames()).as(what).isEqualTo(liveDown);
                    assertThat(v.live()).as(what).isEqualTo(live);
                    assertThat(Quorum.regional(v, Severity.P2) != null).as(what).isEqualTo(expected == Quorum.Kind.REGIONAL);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(5 * (6 + 36 + 216 + 1296));
    }

    /**
     * With one location the monitor's move is what the state machine alone makes of the same probes:
     * every sequence of eight probes (passing, refused, auth wall) at thresholds 1 to 3, compared
     * move by move with the monitor's state as the recorder keeps it (its open incident).
     */
    @Test
    void withOneLocationTheMonitorMovesExactlyAsItsStateMachineAlone() {
        Failure[] outcomes = {null, REFUSED, AUTH};
        int moves = 0;
        for (int failureThreshold = 1; failureThreshold <= 3; failureThreshold++) {
            for (int successThreshold = 1; successThreshold <= 3; successThreshold++) {
                for (int code = 0; code < 6561; code++) {
                    MonitorState alone = MonitorState.INITIAL;
                    MonitorState monitor = MonitorState.INITIAL;
                    Quorum.Location here = Quorum.Location.initial("default");
                    int c = code;
                    for (int i = 0; i < 8; i++) {
                        Failure f = outcomes[c % 3];
                        c /= 3;
                        long t = 60_000L * (i + 1);
                        Observation o = new Observation(i + 1, t, t + 500, f);
                        Transition expected = alone.after(o, failureThreshold, successThreshold);

                        Transition local = here.state().after(o, failureThreshold, successThreshold);
                        here = here.after(local, o, 10.0);
                        var v = Quorum.judge(List.of(here), null, Quorum.DEFAULT, o.finishedAt(), WINDOW);
                        Transition actual = Quorum.monitorMove(monitor, local, v, o);

                        assertThat(actual).as("thresholds %d/%d, probes %d, move %d", failureThreshold, successThreshold, code, i)
                                .isEqualTo(expected);
                        Long incident = expected.opened() != null ? Long.valueOf(1000 + i)
                                : expected.next().status().confirmed() ? alone.openIncidentId() : null;
                        alone = expected.next().withOpenIncident(incident);
                        monitor = actual.next().withOpenIncident(incident);
                        moves++;
                    }
                }
            }
        }
        assertThat(moves).isEqualTo(9 * 6561 * 8);
    }

    @Test
    void theOutageOpensWhenTheSecondLocationConfirmsAndDatesFromTheFirst() {
        Quorum.Location east = live("us-east", MonitorStatus.DOWN); // streak began at NOW - 50 s
        MonitorState westBefore = new MonitorState(MonitorStatus.SUSPECT, 2, 0, NOW - 10_000, 300L, null, 9);
        Observation o = new Observation(303, NOW - 1_000, NOW, REFUSED);
        Transition westMove = westBefore.after(o, 3, 2);
        Quorum.Location west = new Quorum.Location("eu-west", westBefore, null, NOW - 20_000, REFUSED, 1.0).after(westMove, o, 1.0);
        MonitorState monitor = new MonitorState(MonitorStatus.SUSPECT, 2, 0, NOW - 10_000, 300L, 77L, 20);

        Transition t = Quorum.monitorMove(monitor, westMove, Quorum.judge(List.of(east, west), null, 2, NOW, WINDOW), o);

        assertThat(t.next().status()).isEqualTo(MonitorStatus.DOWN);
        assertThat(t.opened()).isEqualTo(new Transition.Opened(REFUSED, NOW - 50_000, NOW, 100L, 6));
        assertThat(t.next().probes()).isEqualTo(21);
        assertThat(west.confirmedAt()).isEqualTo(NOW);
    }

    @Test
    void aLocationConfirmedDownAloneLeavesTheMonitorUnconfirmed() {
        MonitorState westBefore = new MonitorState(MonitorStatus.SUSPECT, 2, 0, NOW - 10_000, 300L, null, 9);
        Observation o = new Observation(303, NOW - 1_000, NOW, REFUSED);
        Transition westMove = westBefore.after(o, 3, 2);
        Quorum.Location west = Quorum.Location.initial("eu-west").after(westMove, o, 1.0);

        Transition t = Quorum.monitorMove(westBefore, westMove,
                Quorum.judge(List.of(live("us-east", MonitorStatus.UP), west), null, 2, NOW, WINDOW), o);

        assertThat(westMove.opened()).as("the location itself confirmed").isNotNull();
        assertThat(t.opened()).isNull();
        assertThat(t.next().status()).isEqualTo(MonitorStatus.SUSPECT);

        Observation fine = new Observation(304, NOW, NOW + 1_000, null);
        Quorum.Location east = live("us-east", MonitorStatus.UP);
        Transition eastMove = east.state().after(fine, 3, 2);
        Transition afterEast = Quorum.monitorMove(t.next(), eastMove,
                Quorum.judge(List.of(east.after(eastMove, fine, 9.0), west), null, 2, NOW + 1_000, WINDOW), fine);
        assertThat(afterEast.next().status()).as("still regional when the healthy location probes last").isEqualTo(MonitorStatus.SUSPECT);
    }

    @Test
    void theOutageEndsWhenFewerThanTheQuorumAreDownEvenBeforeTheLocationRecoversFully() {
        MonitorState monitor = new MonitorState(MonitorStatus.DOWN, 5, 0, NOW - 90_000, 100L, 77L, 20);
        MonitorState eastBefore = new MonitorState(MonitorStatus.DOWN, 4, 0, NOW - 90_000, 100L, null, 9);
        Observation o = new Observation(310, NOW - 1_000, NOW, null);
        Transition eastMove = eastBefore.after(o, 3, 2);
        Quorum.Location east = new Quorum.Location("us-east", eastBefore, NOW - 60_000, NOW - 30_000, REFUSED, 1.0).after(eastMove, o, 9.0);
        assertThat(east.down()).as("one success of two: us-east is still confirmed down").isTrue();

        Transition stillDown = Quorum.monitorMove(monitor, eastMove,
                Quorum.judge(List.of(east, live("eu-west", MonitorStatus.DOWN)), null, 2, NOW, WINDOW), o);
        assertThat(stillDown.resolved()).isNull();
        assertThat(stillDown.next().openIncidentId()).isEqualTo(77L);

        Transition recovered = Quorum.monitorMove(monitor, eastMove,
                Quorum.judge(List.of(east, live("eu-west", MonitorStatus.UP), live("ap-south", MonitorStatus.UP)), null, 3, NOW, WINDOW), o);
        assertThat(recovered.resolved()).as("1 of 3 locations down is below a quorum of 3").isEqualTo(new Transition.Resolved(NOW));
        assertThat(recovered.next().status()).isEqualTo(MonitorStatus.SUSPECT);
    }

    @Test
    void aHealthyProbeNeverOpensAnOutageEvenWhenAVanishedLocationShrankTheQuorum() {
        MonitorState monitor = new MonitorState(MonitorStatus.UP, 0, 3, null, null, 77L, 20);
        Quorum.Location upBefore = live("us-east", MonitorStatus.UP);
        Observation o = new Observation(311, NOW - 1_000, NOW, null);
        Transition move = upBefore.state().after(o, 3, 2);
        var v = Quorum.judge(List.of(upBefore.after(move, o, 5.0), live("eu-west", MonitorStatus.DOWN)), null, 1, NOW, WINDOW);
        assertThat(v.kind()).isEqualTo(Quorum.Kind.DOWN);

        Transition t = Quorum.monitorMove(monitor, move, v, o);

        assertThat(t.opened()).as("the next failing probe of eu-west opens it, with its failure").isNull();
        assertThat(t.next().status()).isEqualTo(MonitorStatus.SUSPECT);
    }

    @Test
    void aRecoveringLocationKeepsTheFailureThatHeadsTheRegionalDegradation() {
        MonitorState before = new MonitorState(MonitorStatus.DOWN, 4, 0, NOW - 90_000, 100L, null, 9);
        Observation o = new Observation(312, NOW - 1_000, NOW, null);
        Transition move = before.after(o, 3, 2);
        Quorum.Location west = new Quorum.Location("eu-west", before, NOW - 60_000, NOW - 30_000, REFUSED, 1.0).after(move, o, 9.0);

        Degradation d = Quorum.regional(Quorum.judge(List.of(west, live("us-east", MonitorStatus.UP)), null, 2, NOW, WINDOW), Severity.P2);

        assertThat(west.lastFailure()).isEqualTo(REFUSED);
        assertThat(d.headline().message()).startsWith("down from eu-west (1 of 2 locations)");
        assertThat(d.since()).as("recovering: dated by its confirmation").isEqualTo(NOW - 60_000);
    }
}
