package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Saved postmortems, every version kept; the highest version of an incident is its postmortem. */
public final class PostmortemStore {

    /** One saved version. */
    public record Version(long incidentId, int version, String body, String author, long savedAt) {}

    /** Saves a new version and returns its number (1 for the first). Two saves at once: the unique key refuses the second. */
    public int save(Connection c, long incidentId, String body, String author, long at) throws SQLException {
        int next = Sql.one(c, "SELECT COALESCE(MAX(version), 0) + 1 FROM postmortems WHERE incident_id = ?", rs -> rs.getInt(1), incidentId);
        Sql.update(c, "INSERT INTO postmortems (incident_id, version, body, author, saved_at) VALUES (?, ?, ?, ?, ?)", incidentId, next, body,
                author, at);
        return next;
    }

    /** The latest version, or null when none was saved. */
    public Version latest(Connection c, long incidentId) throws SQLException {
        return Sql.one(c, "SELECT * FROM postmortems WHERE incident_id = ? ORDER BY version DESC LIMIT 1", PostmortemStore::row, incidentId);
    }

    /** Every version, newest first. */
    public List<Version> history(Connection c, long incidentId) throws SQLException {
        return Sql.list(c, "SELECT * FROM postmortems WHERE incident_id = ? ORDER BY version DESC", PostmortemStore::row, incidentId);
    }

    /**
     * P1 incidents resolved before {@code resolvedBefore} with no saved postmortem, oldest first:
     * the overdue ones (the runbook guide wants one for every P1).
     */
    public List<Long> p1sWithout(Connection c, long resolvedBefore, int limit) throws SQLException {
        return Sql.list(c, """
                SELECT i.id FROM incidents i
                WHERE i.status = 'resolved' AND i.resolved_at < ? AND (i.severity = 'P1' OR i.current_severity = 'P1')
                  AND NOT EXISTS (SELECT 1 FROM postmortems p WHERE p.incident_id = i.id)
                ORDER BY i.resolved_at LIMIT ?""", rs -> rs.getLong(1), resolvedBefore, limit);
    }

    private static Version row(ResultSet rs) throws SQLException {
        return new Version(rs.getLong("incident_id"), rs.getInt("version"), rs.getString("body"), rs.getString("author"),
                rs.getLong("saved_at"));
    }
}
