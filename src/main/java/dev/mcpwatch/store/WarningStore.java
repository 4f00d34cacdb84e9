package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO warnings (monitor_id, type, subject, severity, message, detail, "
                + "raised_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            Sql.bindAll(ps, monitorId, type, subject, severity, message, detail.toString(), at);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Clears the active warning of this monitor, type and subject, if there is one. */
    public void clear(Connection c, String monitorId, String type, String subject, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE warnings SET cleared_at = ? WHERE monitor_id = ? AND type = ? "
                + "AND subject = ? AND cleared_at IS NULL")) {
            Sql.bindAll(ps, at, monitorId, type, subject);
            ps.executeUpdate();
        }
    }

    /** Clears every active warning of this monitor and type; returns how many. */
    public int clearAll(Connection c, String monitorId, String type, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE warnings SET cleared_at = ? WHERE monitor_id = ? AND type = ? "
                + "AND cleared_at IS NULL")) {
            Sql.bindAll(ps, at, monitorId, type);
            return ps.executeUpdate();
        }
    }

    /** Whether a warning of this monitor, type and subject was ever raised (for warnings given once only). */
    public boolean everRaised(Connection c, String monitorId, String type, String subject) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM warnings WHERE monitor_id = ? AND type = ? AND subject = ? LIMIT 1")) {
            Sql.bindAll(ps, monitorId, type, subject);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The active warnings of these monitors, by monitor, oldest first (for lists that show many monitors). */
    public java.util.Map<String, List<WarningRow>> active(Connection c, List<String> monitorIds) throws SQLException {
        java.util.Map<String, List<WarningRow>> out = new java.util.HashMap<>();
        if (monitorIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM warnings WHERE monitor_id IN ("
                + RollupStore.placeholders(monitorIds.size()) + ") AND cleared_at IS NULL ORDER BY id")) {
            Sql.bindAll(ps, monitorIds.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    WarningRow w = row(rs);
                    out.computeIfAbsent(w.monitorId(), k -> new ArrayList<>()).add(w);
                }
            }
        }
        return out;
    }

    /** Warnings newest first, optionally of one monitor, only active ones, before the cursor id. */
    public List<WarningRow> page(Connection c, String monitorId, boolean activeOnly, Long beforeId, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM warnings WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (monitorId != null) {
            sql.append(" AND monitor_id = ?");
            args.add(monitorId);
        }
        if (activeOnly) {
            sql.append(" AND cleared_at IS NULL");
        }
        if (beforeId != null) {
            sql.append(" AND id < ?");
            args.add(beforeId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        args.add(limit);
        List<WarningRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Sql.bindAll(ps, args.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    private static WarningRow row(ResultSet rs) throws SQLException {
        return new WarningRow(rs.getLong("id"), rs.getString("monitor_id"), rs.getString("type"), rs.getString("subject"),
                rs.getString("severity"), rs.getString("message"), Json.MAPPER.readTree(rs.getString("detail")),
                rs.getLong("raised_at"), Sql.longOrNull(rs, "cleared_at"));
    }
}
