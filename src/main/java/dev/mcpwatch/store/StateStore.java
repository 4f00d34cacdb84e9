package dev.mcpwatch.store;

import dev.mcpwatch.incident.MonitorState;
import dev.mcpwatch.incident.MonitorStatus;
import dev.mcpwatch.probe.ProbeResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** The {@code monitor_state} table: each monitor's state machine and its last result, one row each. */
public final class StateStore {
    private final Dialect dialect;

    public StateStore(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Reads (and, on PostgreSQL, locks for this transaction) a monitor's state. Before its first
     * probe a row is made to lock, so the first probes of two locations wait for each other too.
     */
    public MonitorState lock(Connection c, String monitorId) throws SQLException {
        MonitorState s = read(c, monitorId);
        if (s == null) {
            Sql.update(c, "INSERT INTO monitor_state (monitor_id, status, consecutive_failures, consecutive_successes, probes) "
                    + "VALUES (?, 'unknown', 0, 0, 0) ON CONFLICT (monitor_id) DO NOTHING", monitorId);
            s = read(c, monitorId);
        }
        return s == null ? MonitorState.INITIAL : s;
    }

    private MonitorState read(Connection c, String monitorId) throws SQLException {
        return Sql.one(c, "SELECT status, consecutive_failures, consecutive_successes, streak_started_at, streak_first_result_id, "
                + "open_incident_id, probes FROM monitor_state WHERE monitor_id = ?" + dialect.forUpdate(),
                rs -> new MonitorState(MonitorStatus.fromWireName(rs.getString("status")), rs.getInt("consecutive_failures"),
                        rs.getInt("consecutive_successes"), Sql.longOrNull(rs, "streak_started_at"), Sql.longOrNull(rs, "streak_first_result_id"),
                        Sql.longOrNull(rs, "open_incident_id"), rs.getLong("probes")), monitorId);
    }

    /** The tool list a monitor served last, or null. */
    public Long toolListId(Connection c, String monitorId) throws SQLException {
        return Sql.one(c, "SELECT tool_list_id FROM monitor_state WHERE monitor_id = ?", rs -> Sql.longOrNull(rs, "tool_list_id"), monitorId);
    }

    /** Writes a monitor's state with the result that produced it. */
    public void save(Connection c, String monitorId, MonitorState s, long resultId, ProbeResult r, Long toolListId) throws SQLException {
        String sql = """
                INSERT INTO monitor_state (monitor_id, status, consecutive_failures, consecutive_successes, streak_started_at,
                    streak_first_result_id, open_incident_id, last_result_id, last_probe_at, last_healthy, last_reason, last_layer,
                    last_phase, last_message, last_total_ms, era, protocol_version, server_name, server_version, tool_list_id,
                    tls_not_after, probes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (monitor_id) DO UPDATE SET status = excluded.status,
                    consecutive_failures = excluded.consecutive_failures, consecutive_successes = excluded.consecutive_successes,
                    streak_started_at = excluded.streak_started_at, streak_first_result_id = excluded.streak_first_result_id,
                    open_incident_id = excluded.open_incident_id, last_result_id = excluded.last_result_id,
                    last_probe_at = excluded.last_probe_at, last_healthy = excluded.last_healthy, last_reason = excluded.last_reason,
                    last_layer = excluded.last_layer, last_phase = excluded.last_phase, last_message = excluded.last_message,
                    last_total_ms = excluded.last_total_ms, era = COALESCE(excluded.era, monitor_state.era),
                    protocol_version = COALESCE(excluded.protocol_version, monitor_state.protocol_version),
                    server_name = COALESCE(excluded.server_name, monitor_state.server_name),
                    server_version = COALESCE(excluded.server_version, monitor_state.server_version),
                    tool_list_id = COALESCE(excluded.tool_list_id, monitor_state.tool_list_id),
                    tls_not_after = COALESCE(excluded.tls_not_after, monitor_state.tls_not_after), probes = excluded.probes
                """;
        var f = r.failure();
        Sql.update(c, sql, monitorId, s.status().wireName(), s.consecutiveFailures(), s.consecutiveSuccesses(), s.streakStartedAt(),
                s.streakFirstResultId(), s.openIncidentId(), resultId, r.startedAt().toEpochMilli(), r.healthy(),
                f == null ? null : f.reason().wireName(), f == null ? null : f.layer().wireName(), f == null ? null : f.phase().wireName(),
                f == null ? null : f.message(), r.totalMs(), r.era() == null ? null : r.era().wireName(), r.protocolVersion(),
                r.server() == null ? null : r.server().name(), r.server() == null ? null : r.server().version(), toolListId,
                r.tls() == null || r.tls().notAfter() == null ? null : r.tls().notAfter().toEpochMilli(), s.probes());
    }

    /** Marks a monitor's state after its incident was closed from outside a probe (the monitor was removed). */
    public void clearIncident(Connection c, String monitorId) throws SQLException {
        Sql.update(c, "UPDATE monitor_state SET open_incident_id = NULL, status = 'unknown', consecutive_failures = 0, "
                + "consecutive_successes = 0, streak_started_at = NULL, streak_first_result_id = NULL WHERE monitor_id = ?", monitorId);
    }

    /** The remembered protocol era of every monitor that has one. */
    public Map<String, String> eras(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        Sql.list(c, "SELECT monitor_id, era FROM monitor_state WHERE era IS NOT NULL", rs -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public void forgetEra(Connection c, String monitorId) throws SQLException {
        Sql.update(c, "UPDATE monitor_state SET era = NULL WHERE monitor_id = ?", monitorId);
    }
}
