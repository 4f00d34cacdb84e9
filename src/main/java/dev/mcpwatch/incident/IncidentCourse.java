package dev.mcpwatch.incident;

import dev.mcpwatch.probe.Failure;

/**
 * What happens to a monitor's one incident after a probe, from the outage state machine's move and
 * the degradation detection found. A pure function, so the rule is stated once and tested alone:
 *
 * <ul>
 *   <li>One incident per monitor at a time. An outage confirmed on a degraded monitor takes over its
 *       open incident (raising it to the outage's severity) instead of opening a second.
 *   <li>Its severity is that of its most severe cause: the outage's ({@link Severity#ofOutage}) while
 *       the monitor is down, the degradation's otherwise; it rises and falls as causes come and go.
 *   <li>It resolves when neither holds: the outage recovered (success threshold) and no degradation.
 * </ul>
 */
public final class IncidentCourse {
    private IncidentCourse() {}

    /** One decision. */
    public sealed interface Step {}

    /** Open an incident: an outage confirmed, or a degradation on a monitor with none open. */
    public record Open(Severity severity, Failure failure, long onsetAt, long detectedAt, Long firstResultId, int failingProbes,
            boolean outage) implements Step {

        public Transition.Opened asOpened() {
            return new Transition.Opened(failure, onsetAt, detectedAt, firstResultId, failingProbes);
        }
    }

    /** An outage confirmed while a degradation incident is open: it becomes the outage's incident too. */
    public record TakeOver(Severity severity, Transition.Opened outage) implements Step {}

    /** The incident stays open with another severity or headline (the outage ended but a degradation holds). */
    public record Change(Severity severity, Failure headline, String why) implements Step {}

    public record Resolve(long at, String resolution) implements Step {}

    public record Keep() implements Step {}

    /**
     * @param openSeverity the severity of the incident open before this probe, or null when none is
     * @param degradation what detection found for this probe, or null when nothing is degraded
     * @param now when the probe finished
     */
    public static Step decide(Transition t, Severity openSeverity, Degradation degradation, long now) {
        boolean open = openSeverity != null;
        if (t.opened() != null) {
            Severity severity = max(Severity.ofOutage(t.opened().failure()), degradation);
            if (open) {
                return new TakeOver(severity, t.opened());
            }
            Transition.Opened o = t.opened();
            return new Open(severity, o.failure(), o.onsetAt(), o.detectedAt(), o.firstResultId(), o.failingProbes(), true);
        }
        if (t.resolved() != null) {
            if (!open) {
                return new Keep(); // nothing left to resolve (the incident was closed from outside, e.g. its monitor removed)
            }
            if (degradation != null) {
                return new Change(degradation.severity(), degradation.headline(),
                        "the outage is over; still degraded: " + degradation.headline().message());
            }
            return new Resolve(t.resolved().resolvedAt(), "recovered");
        }
        if (t.next().status().confirmed()) {
            return new Keep(); // the outage holds the incident; its severity is the outage's
        }
        if (open && degradation == null) {
            return new Resolve(now, "recovered");
        }
        if (open) {
            return openSeverity == degradation.severity() ? new Keep()
                    : new Change(degradation.severity(), degradation.headline(), degradation.headline().message());
        }
        if (degradation != null) {
            return new Open(degradation.severity(), degradation.headline(), degradation.since(), now, null, degradation.failingProbes(),
                    false);
        }
        return new Keep();
    }

    private static Severity max(Severity outage, Degradation degradation) {
        return degradation != null && degradation.severity().higherThan(outage) ? degradation.severity() : outage;
    }
}
