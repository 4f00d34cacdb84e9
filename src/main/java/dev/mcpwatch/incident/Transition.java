package dev.mcpwatch.incident;

import dev.mcpwatch.probe.Failure;

/**
 * What one observation did to a monitor: its next state, and at most one incident event — opened
 * (with onset, detection and the failure that confirmed it) or resolved.
 */
public record Transition(MonitorState from, MonitorState next, Opened opened, Resolved resolved) {

    /** An incident opens: the monitor is confirmed down. */
    public record Opened(Failure failure, long onsetAt, long detectedAt, Long firstResultId, int failingProbes) {}

    /** The open incident resolves: enough successes in a row. */
    public record Resolved(long resolvedAt) {}

    public boolean statusChanged() {
        return from.status() != next.status();
    }

    /** A failed probe while the incident was already open. */
    public boolean failedDuringIncident(Observation o) {
        return !o.healthy() && from.status().confirmed();
    }
}
