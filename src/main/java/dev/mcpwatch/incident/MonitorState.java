package dev.mcpwatch.incident;

/**
 * The incident state machine's memory for one monitor: its status, the current runs of failures
 * and successes, when the current failure streak began, and whether an incident is open.
 */
public record MonitorState(
        MonitorStatus status,
        int consecutiveFailures,
        int consecutiveSuccesses,
        Long streakStartedAt,
        Long streakFirstResultId,
        Long openIncidentId,
        long probes) {

    public static final MonitorState INITIAL = new MonitorState(MonitorStatus.UNKNOWN, 0, 0, null, null, null, 0);

    public boolean incidentOpen() {
        return status.confirmed();
    }

    /**
     * Where one more probe takes this state ({@link MonitorStateMachine}): the next state, and the
     * incident it confirms or ends, if any.
     */
    public Transition after(Observation o, int failureThreshold, int successThreshold) {
        return MonitorStateMachine.apply(this, o, failureThreshold, successThreshold);
    }

    public MonitorState withOpenIncident(Long id) {
        return new MonitorState(status, consecutiveFailures, consecutiveSuccesses, streakStartedAt, streakFirstResultId, id, probes);
    }
}
