package dev.mcpwatch.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.canary.Gates.Gate;
import dev.mcpwatch.canary.Gates.StageFigures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guide's progression gates: 5 % for 30 minutes, 25 % for an hour, 50 % for an hour, each with its condition. */
class GatesTest {
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private static final StageFigures CLEAN = new StageFigures(180, 0, 0, 40.0, 180, 0, 0, 42.0);

    @Test
    void aStageHoldsUntilItsMinimumTimeAndThenPromotes() {
        Gate early = Gates.decide(rules(Decision.PROMOTE), Stage.FIVE, START, START.plus(Duration.ofMinutes(12)), CLEAN);
        Gate due = Gates.decide(rules(Decision.PROMOTE), Stage.FIVE, START, START.plus(Duration.ofMinutes(30)), CLEAN);

        assertThat(early.verdict()).isEqualTo(Decision.HOLD);
        assertThat(early.nextStageAt()).isEqualTo(START.plus(Duration.ofMinutes(30)));
        assertThat(early.reasons()).containsExactly("stage 5 % must hold for 30m; 18m to go");
        assertThat(due.verdict()).isEqualTo(Decision.PROMOTE);
        assertThat(due.next()).isEqualTo(Stage.TWENTY_FIVE);
        assertThat(due.reasons()).containsExactly("stage 5 % held for 30m with its gate met: promote to 25 %");
    }

    @Test
    void theLaterStagesHoldAnHour() {
        assertThat(Gates.decide(rules(Decision.PROMOTE), Stage.TWENTY_FIVE, START, START.plus(Duration.ofMinutes(59)), CLEAN).verdict())
                .isEqualTo(Decision.HOLD);
        assertThat(Gates.decide(rules(Decision.PROMOTE), Stage.TWENTY_FIVE, START, START.plus(Duration.ofHours(1)), CLEAN).next())
                .isEqualTo(Stage.FIFTY);
        assertThat(Gates.decide(rules(Decision.PROMOTE), Stage.FIFTY, START, START.plus(Duration.ofHours(1)), CLEAN).verdict())
                .isEqualTo(Decision.PROMOTE);
        Gate done = Gates.decide(rules(Decision.PROMOTE), Stage.ALL, START, START.plus(Duration.ofMinutes(1)), CLEAN);
        assertThat(done.verdict()).isEqualTo(Decision.PROMOTE);
        assertThat(done.next()).isNull();
        assertThat(done.nextStageAt()).isNull();
    }

    @Test
    void atFivePercentAHigherErrorRateWithEvidenceHoldsEvenWhenNoRuleTrips() {
        StageFigures errors = new StageFigures(180, 1, 0, 40.0, 180, 8, 0, 42.0);

        Gate g = Gates.decide(rules(Decision.PROMOTE), Stage.FIVE, START, START.plus(Duration.ofMinutes(31)), errors);

        assertThat(g.verdict()).isEqualTo(Decision.HOLD);
        assertThat(g.reasons()).singleElement().asString()
                .startsWith("at 5 % the canary failed 8 of 180 probes (4.4 %), the stable 1 of 180 (0.6 %): over the gate's 1.5×");
    }

    @Test
    void atFivePercentACrashHolds() {
        StageFigures crashed = new StageFigures(180, 0, 0, 40.0, 180, 1, 1, 42.0);

        Gate g = Gates.decide(rules(Decision.PROMOTE), Stage.FIVE, START, START.plus(Duration.ofMinutes(31)), crashed);

        assertThat(g.verdict()).isEqualTo(Decision.HOLD);
        assertThat(g.reasons()).contains("the canary could not be reached in 1 of its 180 probes at 5 %; the gate needs none");
    }

    @Test
    void atFiftyPercentAP99BeyondOneAndAHalfTimesHolds() {
        StageFigures slower = new StageFigures(360, 0, 0, 40.0, 360, 0, 0, 70.0);

        Gate g = Gates.decide(rules(Decision.PROMOTE), Stage.FIFTY, START, START.plus(Duration.ofHours(2)), slower);

        assertThat(g.verdict()).isEqualTo(Decision.HOLD);
        assertThat(g.reasons()).singleElement().asString().startsWith("at 50 % the canary's p99 is 70.0 ms, 1.8× the stable's");
    }

    @Test
    void anInconclusiveComparisonHoldsAndARollbackIsARollbackAtAnyStage() {
        Gate unsure = Gates.decide(rules(Decision.INCONCLUSIVE), Stage.TWENTY_FIVE, START, START.plus(Duration.ofHours(3)), CLEAN);
        Gate back = Gates.decide(rules(Decision.ROLLBACK), Stage.FIFTY, START, START.plus(Duration.ofMinutes(1)), CLEAN);

        assertThat(unsure.verdict()).isEqualTo(Decision.HOLD);
        assertThat(unsure.reasons()).containsExactly("why: " + Decision.INCONCLUSIVE.wireName());
        assertThat(back.verdict()).isEqualTo(Decision.ROLLBACK);
        assertThat(back.nextStageAt()).isNull();
        assertThat(back.reasons()).containsExactly("why: " + Decision.ROLLBACK.wireName());
    }

    @Test
    void aStageIsOneOfTheGuides() {
        assertThat(Stage.of(25)).isEqualTo(Stage.TWENTY_FIVE);
        assertThatThrownBy(() -> Stage.of(10)).hasMessage("a canary stage is 5, 25, 50 or 100 (percent of traffic), not 10");
    }

    private static Verdict rules(Decision d) {
        return new Verdict(d, List.of("why: " + d.wireName()), START, START, 1, null, null, List.of(), null, null);
    }
}
