package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.Transition;
import dev.mcpwatch.probe.ProbeResult;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Called inside the transaction that records a probe, after the state machine moved: whatever a hook
 * writes (an alert in an outbox, a severity change) commits or rolls back with the incident change
 * itself, so a crash can never keep one without the other.
 */
@FunctionalInterface
interface TransitionHook {
    void onRecorded(Connection c, MonitorConfig monitor, ProbeResult result, long resultId, Transition transition, Long incidentId)
            throws SQLException;
}
