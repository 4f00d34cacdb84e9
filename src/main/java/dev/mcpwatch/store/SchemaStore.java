package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        return Sql.one(c, BASELINE + " WHERE b.monitor_id = ? AND b.replaced_at IS NULL", SchemaStore::baseline, monitorId);
    }

    /** Every baseline the monitor has had, newest first. */
    public List<Baseline> history(Connection c, String monitorId, int limit) throws SQLException {
        return Sql.list(c, BASELINE + " WHERE b.monitor_id = ? ORDER BY b.id DESC LIMIT ?", SchemaStore::baseline, monitorId, limit);
    }

    /** Makes {@code toolListId} the monitor's baseline, keeping the one it replaces in the history. */
    public long setBaseline(Connection c, String monitorId, long toolListId, String serverVersion, long at, String by, String note)
            throws SQLException {
        Sql.update(c, "UPDATE schema_baselines SET replaced_at = ? WHERE monitor_id = ? AND replaced_at IS NULL", at, monitorId);
        return Sql.one(c, "INSERT INTO schema_baselines (monitor_id, tool_list_id, server_version, set_at, set_by, note) "
                + "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", rs -> rs.getLong(1), monitorId, toolListId, serverVersion, at, by, note);
    }

    /** Stores a drift unless this (baseline, list) pair was stored before; returns its id either way. */
    public long recordDrift(Connection c, String monitorId, long baselineId, long toolListId, String serverVersion, long at,
            JsonNode changes, int breaking, boolean unannounced, String summary) throws SQLException {
        Sql.update(c, "INSERT INTO drifts (monitor_id, baseline_id, tool_list_id, server_version, detected_at, changes, breaking, "
                + "unannounced, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (monitor_id, baseline_id, tool_list_id) DO NOTHING",
                monitorId, baselineId, toolListId, serverVersion, at, changes.toString(), breaking, unannounced, summary);
        return Sql.one(c, "SELECT id FROM drifts WHERE monitor_id = ? AND baseline_id = ? AND tool_list_id = ?", rs -> rs.getLong(1),
                monitorId, baselineId, toolListId);
    }

    /** Marks the monitor's unacknowledged drifts acknowledged; returns how many. */
    public int acknowledge(Connection c, String monitorId, long at, String by) throws SQLException {
        return Sql.update(c, "UPDATE drifts SET acknowledged_at = ?, acknowledged_by = ? WHERE monitor_id = ? AND acknowledged_at IS NULL",
                at, by, monitorId);
    }

    /** Drifts newest first, before the cursor id. */
    public List<DriftRow> drifts(Connection c, String monitorId, Long beforeId, int limit) throws SQLException {
        Sql.Where where = new Sql.Where().and("monitor_id = ?", monitorId).and("id < ?", beforeId);
        return Sql.list(c, "SELECT * FROM drifts" + where.sql() + " ORDER BY id DESC LIMIT ?", SchemaStore::drift, where.args(limit));
    }

    private static DriftRow drift(ResultSet rs) throws SQLException {
        return new DriftRow(rs.getLong("id"), rs.getString("monitor_id"), rs.getLong("baseline_id"), rs.getLong("tool_list_id"),
                rs.getString("server_version"), rs.getLong("detected_at"), Json.MAPPER.readTree(rs.getString("changes")), rs.getInt("breaking"),
                rs.getBoolean("unannounced"), rs.getString("summary"), Sql.longOrNull(rs, "acknowledged_at"), rs.getString("acknowledged_by"));
    }

    private static Baseline baseline(ResultSet rs) throws SQLException {
        return new Baseline(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getInt(5), rs.getString(6), rs.getLong(7),
                rs.getString(8), rs.getString(9), Sql.longOrNull(rs, "replaced_at"));
    }
}
