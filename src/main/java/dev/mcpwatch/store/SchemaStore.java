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
 * Schema baselines and drifts. A monitor's baseline is the first healthy tool list it served, then
 * each list an operator acknowledged; every one is kept, with who set it and when. A drift is a list
 * that differs from the baseline in force, stored once per (baseline, list) with its changes.
 */
public final class SchemaStore {

    public record Baseline(long id, String monitorId, long toolListId, String fingerprint, int toolCount, String serverVersion, long setAt,
            String setBy, String note, Long replacedAt) {}

    public record DriftRow(long id, String monitorId, long baselineId, long toolListId, String serverVersion, long detectedAt,
            JsonNode changes, int breaking, boolean unannounced, String summary, Long acknowledgedAt, String acknowledgedBy) {}

    private static final String BASELINE = "SELECT b.id, b.monitor_id, b.tool_list_id, l.fingerprint, l.tool_count, b.server_version, "
            + "b.set_at, b.set_by, b.note, b.replaced_at FROM schema_baselines b JOIN tool_lists l ON l.id = b.tool_list_id";

    /** The baseline in force, or null before the monitor's first healthy tool list. */
    public Baseline current(Connection c, String monitorId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BASELINE + " WHERE b.monitor_id = ? AND b.replaced_at IS NULL")) {
            ps.setString(1, monitorId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? baseline(rs) : null;
            }
        }
    }

    /** Every baseline the monitor has had, newest first. */
    public List<Baseline> history(Connection c, String monitorId, int limit) throws SQLException {
        List<Baseline> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(BASELINE + " WHERE b.monitor_id = ? ORDER BY b.id DESC LIMIT ?")) {
            Sql.bindAll(ps, monitorId, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(baseline(rs));
                }
            }
        }
        return out;
    }

    /** Makes {@code toolListId} the monitor's baseline, keeping the one it replaces in the history. */
    public long setBaseline(Connection c, String monitorId, long toolListId, String serverVersion, long at, String by, String note)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE schema_baselines SET replaced_at = ? WHERE monitor_id = ? "
                + "AND replaced_at IS NULL")) {
            Sql.bindAll(ps, at, monitorId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_baselines (monitor_id, tool_list_id, server_version, set_at, "
                + "set_by, note) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
            Sql.bindAll(ps, monitorId, toolListId, serverVersion, at, by, note);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Stores a drift unless this (baseline, list) pair was stored before; returns its id either way. */
    public long recordDrift(Connection c, String monitorId, long baselineId, long toolListId, String serverVersion, long at,
            JsonNode changes, int breaking, boolean unannounced, String summary) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO drifts (monitor_id, baseline_id, tool_list_id, server_version, "
                + "detected_at, changes, breaking, unannounced, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (monitor_id, baseline_id, tool_list_id) DO NOTHING")) {
            Sql.bindAll(ps, monitorId, baselineId, toolListId, serverVersion, at, changes.toString(), breaking, unannounced, summary);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM drifts WHERE monitor_id = ? AND baseline_id = ? AND tool_list_id = ?")) {
            Sql.bindAll(ps, monitorId, baselineId, toolListId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Marks the monitor's unacknowledged drifts acknowledged; returns how many. */
    public int acknowledge(Connection c, String monitorId, long at, String by) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE drifts SET acknowledged_at = ?, acknowledged_by = ? WHERE monitor_id = ? "
                + "AND acknowledged_at IS NULL")) {
            Sql.bindAll(ps, at, by, monitorId);
            return ps.executeUpdate();
        }
    }

    /** Drifts newest first, before the cursor id. */
    public List<DriftRow> drifts(Connection c, String monitorId, Long beforeId, int limit) throws SQLException {
        List<DriftRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM drifts WHERE monitor_id = ?"
                + (beforeId == null ? "" : " AND id < ?") + " ORDER BY id DESC LIMIT ?")) {
            if (beforeId == null) {
                Sql.bindAll(ps, monitorId, limit);
            } else {
                Sql.bindAll(ps, monitorId, beforeId, limit);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DriftRow(rs.getLong("id"), rs.getString("monitor_id"), rs.getLong("baseline_id"), rs.getLong("tool_list_id"),
                            rs.getString("server_version"), rs.getLong("detected_at"), Json.MAPPER.readTree(rs.getString("changes")),
                            rs.getInt("breaking"), rs.getBoolean("unannounced"), rs.getString("summary"),
                            Sql.longOrNull(rs, "acknowledged_at"), rs.getString("acknowledged_by")));
                }
            }
        }
        return out;
    }

    private static Baseline baseline(ResultSet rs) throws SQLException {
        return new Baseline(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getInt(5), rs.getString(6), rs.getLong(7),
                rs.getString(8), rs.getString(9), Sql.longOrNull(rs, "replaced_at"));
    }
}
