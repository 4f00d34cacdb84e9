package dev.mcpwatch.canary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The canary guide's progression gates on top of the rollback rules: before the canary takes more
 * traffic it must have held its stage for the stage's minimum time, and met the stage's condition
 * over that whole time.
 * <ul>
 *   <li>5 % for 30 minutes: no crash, and an error rate within 1.5× the stable's;
 *   <li>25 % for an hour: every rollback threshold green;
 *   <li>50 % for an hour: p99 latency stable — within 1.5× the stable's;
 *   <li>100 %: the cutover is complete.
 * </ul>
 * Every stage also needs the rules' verdict to be promote. A rollback verdict is a rollback at any
 * stage. A condition is judged like the rules: over 1.5× with some evidence (p &lt; 0.1) holds.
 */
public final class Gates {
    /** The guide's "within 1.5× stable" for the 5 % gate's error rate and the 50 % gate's p99. */
    static final double WITHIN = 1.5;

    private Gates() {}

    /**
     * What happened on each side since the stage began: probes, failed probes, probes that could not
     * connect, and the p99 of a whole probe in milliseconds (null without successful probes).
     */
    public record StageFigures(long stableProbes, long stableErrors, long stableUnreachable, Double stableP99Ms, long canaryProbes,
            long canaryErrors, long canaryUnreachable, Double canaryP99Ms) {}

    /** A continuous canary's answer to deploy tooling. {@code nextStageAt} is null at 100 % or on rollback. */
    public record Gate(Decision verdict, Stage stage, Stage next, Instant nextStageAt, List<String> reasons) {}

    public static Gate decide(Verdict rules, Stage stage, Instant stageStartedAt, Instant now, StageFigures f) {
        if (rules.verdict() == Decision.ROLLBACK) {
            return new Gate(Decision.ROLLBACK, stage, null, null, rules.reasons());
        }
        Stage next = stage.next();
        Instant due = stageStartedAt.plus(stage.minimum());
        List<String> hold = new ArrayList<>();
        if (now.isBefore(due)) {
            hold.add("stage " + stage.percent() + " % must hold for " + Analysis.words(stage.minimum()) + "; "
                    + Analysis.words(Duration.between(now, due)) + " to go");
        }
        if (rules.verdict() != Decision.PROMOTE) {
            hold.addAll(rules.reasons());
        }
        switch (stage) {
            case FIVE -> {
                if (f.canaryUnreachable() > 0) {
                    hold.add("the canary could not be reached in " + f.canaryUnreachable() + " of its " + f.canaryProbes()
                            + " probes at 5 %; the gate needs none");
                }
                double rs = f.stableProbes() == 0 ? 0 : (double) f.stableErrors() / f.stableProbes();
                double rc = f.canaryProbes() == 0 ? 0 : (double) f.canaryErrors() / f.canaryProbes();
                double p = Stats.fisherGreater(f.canaryErrors(), f.canaryProbes(), f.stableErrors(), f.stableProbes());
                if (rc > WITHIN * rs && p < Analysis.SUGGESTIVE) {
                    hold.add("at 5 % the canary failed " + f.canaryErrors() + " of " + f.canaryProbes() + " probes (" + Analysis.pct(rc)
                            + "), the stable " + f.stableErrors() + " of " + f.stableProbes() + " (" + Analysis.pct(rs)
                            + "): over the gate's 1.5× (Fisher p = " + Analysis.pval(p) + ")");
                }
            }
            case FIFTY -> {
                if (f.stableP99Ms() != null && f.canaryP99Ms() != null && f.canaryP99Ms() > WITHIN * f.stableP99Ms()) {
                    hold.add("at 50 % the canary's p99 is " + Analysis.ms(f.canaryP99Ms()) + ", " + Analysis.ratio(f.canaryP99Ms(),
                            f.stableP99Ms()) + " (" + Analysis.ms(f.stableP99Ms()) + "); the gate needs it within 1.5×");
                } else if (f.stableP99Ms() == null || f.canaryP99Ms() == null) {
                    hold.add("at 50 % no p99 to compare yet");
                }
            }
            default -> { }
        }
        if (stage == Stage.ALL) {
            return hold.isEmpty()
                    ? new Gate(Decision.PROMOTE, stage, null, null, List.of("the cutover to 100 % is complete; scale the old version "
                            + "down (the guide: 5 minutes later)"))
                    : new Gate(Decision.HOLD, stage, null, null, hold);
        }
        if (!hold.isEmpty()) {
            return new Gate(Decision.HOLD, stage, next, due.isAfter(now) ? due : null, hold);
        }
        return new Gate(Decision.PROMOTE, stage, next, due, List.of("stage " + stage.percent() + " % held for "
                + Analysis.words(Duration.between(stageStartedAt, now)) + " with its gate met: promote to " + next.percent() + " %"));
    }
}
