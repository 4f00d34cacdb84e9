package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Remediation attempts: claimed one at a time per monitor (a unique index), counted for the guards, watched to their outcome. */
public final class RemediationStore {

    /** One attempt. {@code actedAt} and {@code watchUntil} are set once the action ran. */
    public record Run(long id, String monitorId, long incidentId, long startedAt, Long actedAt, Long watchUntil, Long finishedAt,
            String outcome) {}

    /**
     * Claims the monitor's one running attempt; null when another is live (here or on another node).
     * A live attempt that started before {@code staleBefore} belonged to a node that died: it is
     * closed as abandoned first.
     */
    public Long claim(Connection c, String monitorId, long incidentId, long now, long staleBefore) throws SQLException {
        Sql.update(c, "UPDATE remediation_runs SET finished_at = ?, outcome = 'abandoned' WHERE monitor_id = ? AND finished_at IS NULL "
                + "AND started_at < ?", now, monitorId, staleBefore);
        return Sql.one(c, "INSERT INTO remediation_runs (monitor_id, incident_id, started_at, outcome) VALUES (?, ?, ?, 'running') "
                + "ON CONFLICT DO NOTHING RETURNING id", rs -> rs.getLong(1), monitorId, incidentId, now);
    }

    /** Attempts on a monitor since {@code since} (for the hourly limit and the cooldown), newest first. */
    public List<Run> since(Connection c, String monitorId, long since) throws SQLException {
        return Sql.list(c, "SELECT * FROM remediation_runs WHERE monitor_id = ? AND started_at >= ? ORDER BY started_at DESC",
                RemediationStore::row, monitorId, since);
    }

    /** The action ran: watch until {@code watchUntil}. */
    public void acted(Connection c, long runId, long at, long watchUntil) throws SQLException {
        Sql.update(c, "UPDATE remediation_runs SET acted_at = ?, watch_until = ?, outcome = 'watching' WHERE id = ?", at, watchUntil, runId);
    }

    public void finish(Connection c, long runId, long at, String outcome) throws SQLException {
        Sql.update(c, "UPDATE remediation_runs SET finished_at = ?, outcome = ? WHERE id = ? AND finished_at IS NULL", at, outcome, runId);
    }

    /** The attempt being watched for this incident, or null. */
    public Run watching(Connection c, long incidentId) throws SQLException {
        return Sql.one(c, "SELECT * FROM remediation_runs WHERE incident_id = ? AND outcome = 'watching' AND finished_at IS NULL",
                RemediationStore::row, incidentId);
    }

    /** Attempts whose watch ended before {@code now} without a recovery. */
    public List<Run> watchOver(Connection c, long now) throws SQLException {
        return Sql.list(c, "SELECT * FROM remediation_runs WHERE outcome = 'watching' AND finished_at IS NULL AND watch_until <= ?",
                RemediationStore::row, now);
    }

    /** Monitors being watched now (their probes come every retry_interval). */
    public List<String> watchedMonitors(Connection c) throws SQLException {
        return Sql.list(c, "SELECT monitor_id FROM remediation_runs WHERE outcome = 'watching' AND finished_at IS NULL",
                rs -> rs.getString(1));
    }

    private static Run row(ResultSet rs) throws SQLException {
        return new Run(rs.getLong("id"), rs.getString("monitor_id"), rs.getLong("incident_id"), rs.getLong("started_at"),
                Sql.longOrNull(rs, "acted_at"), Sql.longOrNull(rs, "watch_until"), Sql.longOrNull(rs, "finished_at"), rs.getString("outcome"));
    }
}
