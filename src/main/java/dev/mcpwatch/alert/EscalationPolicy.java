package dev.mcpwatch.alert;

import dev.mcpwatch.incident.Severity;
import java.time.Duration;
import java.util.List;

/**
 * What happens while nobody acknowledges an incident: ordered steps, each after a delay counted from
 * the previous one (the first from the alert), each notifying more channels; then, optionally,
 * {@code repeat.times} reminders every {@code repeat.every} to the last step's channels. A step
 * without {@code after} waits 5 minutes for a P1 and 30 minutes for anything else, the
 * incident-response guide's numbers. Acknowledging or resolving the incident stops it.
 */
public record EscalationPolicy(String name, List<Step> steps, Duration repeatEvery, int repeatTimes) {
    public static final Duration P1_DELAY = Duration.ofMinutes(5);
    public static final Duration OTHER_DELAY = Duration.ofMinutes(30);

    public EscalationPolicy {
        steps = List.copyOf(steps);
    }

    /** One step: its delay (null: by severity) and the channels it adds. */
    public record Step(Duration after, List<String> channels) {
        public Step {
            channels = List.copyOf(channels);
        }

        public Duration delay(Severity severity) {
            if (after != null) {
                return after;
            }
            return severity == Severity.P1 ? P1_DELAY : OTHER_DELAY;
        }
    }

    /**
     * How long after step {@code done} (0 = the first alert) the next thing happens, or null when
     * nothing does: the next step's delay, then the reminders.
     */
    public Duration nextDelay(int done, int reminders, Severity severity) {
        if (done < steps.size()) {
            return steps.get(done).delay(severity);
        }
        if (repeatEvery != null && reminders < repeatTimes) {
            return repeatEvery;
        }
        return null;
    }
}
