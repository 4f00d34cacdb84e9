package dev.mcpwatch.incident;

/**
 * The incident lifecycle of PRODUCT.md §2 as a pure function: {@code up} → one failure →
 * {@code suspect} → {@code failureThreshold} failures in a row → {@code down} (an incident opens,
 * its onset the first failing probe of the streak) → {@code successThreshold} successes in a row →
 * resolved and {@code up}. A confirmed monitor whose latest failure is {@code auth_required} is
 * {@code auth-walled} instead of down (PRODUCT.md §1): the same incident, another state. No I/O, so
 * restarts and replays give the same answers.
 */
final class MonitorStateMachine {
    private MonitorStateMachine() {}

    static Transition apply(MonitorState s, Observation o, int failureThreshold, int successThreshold) {
        long probes = s.probes() + 1;
        if (o.healthy()) {
            int successes = s.consecutiveSuccesses() + 1;
            if (s.status().confirmed()) {
                if (successes >= successThreshold) {
                    MonitorState next = new MonitorState(MonitorStatus.UP, 0, successes, null, null, null, probes);
                    return new Transition(s, next, null, new Transition.Resolved(o.finishedAt()));
                }
                MonitorState recovering = new MonitorState(s.status(), 0, successes, null, null, s.openIncidentId(), probes);
                return new Transition(s, recovering, null, null);
            }
            return new Transition(s, new MonitorState(MonitorStatus.UP, 0, successes, null, null, null, probes), null, null);
        }

        int failures = s.consecutiveFailures() + 1;
        boolean streakStarts = s.consecutiveFailures() == 0;
        Long streakStart = streakStarts ? Long.valueOf(o.startedAt()) : s.streakStartedAt();
        Long streakFirst = streakStarts ? Long.valueOf(o.resultId()) : s.streakFirstResultId();
        if (s.status().confirmed()) {
            MonitorState stillDown = new MonitorState(MonitorStatus.confirmedBy(o.failure()), failures, 0, streakStart, streakFirst,
                    s.openIncidentId(), probes);
            return new Transition(s, stillDown, null, null);
        }
        if (failures >= failureThreshold) {
            MonitorState down = new MonitorState(MonitorStatus.confirmedBy(o.failure()), failures, 0, streakStart, streakFirst, null, probes);
            var opened = new Transition.Opened(o.failure(), streakStart, o.finishedAt(), streakFirst, failures);
            return new Transition(s, down, opened, null);
        }
        return new Transition(s, new MonitorState(MonitorStatus.SUSPECT, failures, 0, streakStart, streakFirst, null, probes), null, null);
    }
}
