package dev.mcpwatch.monitor;

/**
 * The incident state machine's memory for one monitor: its status, the current runs of failures
 * and successes, when the current failure streak began, and whether an incident is open.
 */
public record MonitorState(
        Status status,
        int consecutiveFailures,
        int consecutiveSuccesses,
        Long streakStartedAt,
        Long streakFirstResultId,
        Long openIncidentId,
        long probes) {

    public static final MonitorState INITIAL = new MonitorState(Status.UNKNOWN, 0, 0, null, null, null, 0);

    public boolean incidentOpen() {
        return status.confirmed();
    }

    public MonitorState withOpenIncident(Long id) {
        return new MonitorState(status, consecutiveFailures, consecutiveSuccesses, streakStartedAt, streakFirstResultId, id, probes);
    }
}
