package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * P3 warnings, kept as a history: each is raised once when its condition starts to hold and cleared
 * when it stops; the database refuses a second active warning for the same monitor, type and subject.
 */
public final class WarningStore {

    public record WarningRow(long id, String monitorId, String type, String subject, String severity, String message, JsonNode detail,
            long raisedAt, Long clearedAt) {}

    public long raise(Connection c, String monitorId, String type, String subject, String severity, String message, JsonNode detail,
            long at) throws SQLException {
        return Sql.one(c, "INSERT INTO warnings (monitor_id, type, subject, severity, message, detail, raised_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", rs -> rs.getLong(1), monitorId, type, subject, severity, message,
                detail.toString(), at);
    }

    /** Clears the active warning of this monitor, type and subject, if there is one. */
    public void clear(Connection c, String monitorId, String type, String subject, long at) throws SQLException {
        Sql.update(c, "UPDATE warnings SET cleared_at = ? WHERE monitor_id = ? AND type = ? AND subject = ? AND cleared_at IS NULL", at,
                monitorId, type, subject);
    }

    /** Clears every active warning of this monitor and type; returns how many. */
    public int clearAll(Connection c, String monitorId, String type, long at) throws SQLException {
        return Sql.update(c, "UPDATE warnings SET cleared_at = ? WHERE monitor_id = ? AND type = ? AND cleared_at IS NULL", at, monitorId,
                type);
    }

    /** Whether a warning of this monitor, type and subject was ever raised (for warnings given once only). */
    public boolean everRaised(Connection c, String monitorId, String type, String subject) throws SQLException {
        return Sql.one(c, "SELECT 1 FROM warnings WHERE monitor_id = ? AND type = ? AND subject = ? LIMIT 1", rs -> true, monitorId, type,
                subject) != null;
    }

    /** The active warnings of these monitors, by monitor, oldest first (for lists that show many monitors). */
    public Map<String, List<WarningRow>> active(Connection c, List<String> monitorIds) throws SQLException {
        Map<String, List<WarningRow>> out = new HashMap<>();
        if (!monitorIds.isEmpty()) {
            Sql.list(c, "SELECT * FROM warnings WHERE monitor_id IN (" + Sql.marks(monitorIds.size()) + ") AND cleared_at IS NULL ORDER BY id",
                    WarningStore::row, monitorIds.toArray()).forEach(w -> out.computeIfAbsent(w.monitorId(), k -> new ArrayList<>()).add(w));
        }
        return out;
    }

    /** Warnings newest first, optionally of one monitor, only active ones, before the cursor id. */
    public List<WarningRow> page(Connection c, String monitorId, boolean activeOnly, Long beforeId, int limit) throws SQLException {
        Sql.Where where = new Sql.Where().and("monitor_id = ?", monitorId).andIf(activeOnly, "cleared_at IS NULL").and("id < ?", beforeId);
        return Sql.list(c, "SELECT * FROM warnings" + where.sql() + " ORDER BY id DESC LIMIT ?", WarningStore::row, where.args(limit));
    }

    private static WarningRow row(ResultSet rs) throws SQLException {
        return new WarningRow(rs.getLong("id"), rs.getString("monitor_id"), rs.getString("type"), rs.getString("subject"),
                rs.getString("severity"), rs.getString("message"), Json.MAPPER.readTree(rs.getString("detail")),
                rs.getLong("raised_at"), Sql.longOrNull(rs, "cleared_at"));
    }
}
