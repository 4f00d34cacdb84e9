package dev.mcpwatch.store;

import dev.mcpwatch.incident.MonitorState;
import dev.mcpwatch.incident.MonitorStatus;
import dev.mcpwatch.incident.Quorum;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The {@code location_state} table: for each monitor, each location's own state machine and its last
 * probe, one row per monitor and location. The recorder locks the monitor's {@code monitor_state}
 * row first, so the locations of one monitor are written one probe at a time.
 */
public final class LocationStateStore {
    private static final String COLUMNS = "location, status, consecutive_failures, consecutive_successes, streak_started_at, "
            + "streak_first_result_id, confirmed_at, probes, last_probe_at, last_reason, last_phase, last_message, last_total_ms";

    /** Every location that probed the monitor, by name. */
    public List<Quorum.Location> all(Connection c, String monitorId) throws SQLException {
        return Sql.list(c, "SELECT " + COLUMNS + " FROM location_state WHERE monitor_id = ? ORDER BY location", LocationStateStore::row,
                monitorId);
    }

    public void save(Connection c, String monitorId, Quorum.Location l, long resultId) throws SQLException {
        MonitorState s = l.state();
        Failure f = l.lastFailure();
        Sql.update(c, """
                INSERT INTO location_state (monitor_id, location, status, consecutive_failures, consecutive_successes, streak_started_at,
                    streak_first_result_id, confirmed_at, probes, last_result_id, last_probe_at, last_reason, last_phase, last_message,
                    last_total_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (monitor_id, location) DO UPDATE SET status = excluded.status,
                    consecutive_failures = excluded.consecutive_failures, consecutive_successes = excluded.consecutive_successes,
                    streak_started_at = excluded.streak_started_at, streak_first_result_id = excluded.streak_first_result_id,
                    confirmed_at = excluded.confirmed_at, probes = excluded.probes, last_result_id = excluded.last_result_id,
                    last_probe_at = excluded.last_probe_at, last_reason = excluded.last_reason, last_phase = excluded.last_phase,
                    last_message = excluded.last_message, last_total_ms = excluded.last_total_ms
                """, monitorId, l.name(), s.status().wireName(), s.consecutiveFailures(), s.consecutiveSuccesses(), s.streakStartedAt(),
                s.streakFirstResultId(), l.confirmedAt(), s.probes(), resultId, l.lastProbeAt(), f == null ? null : f.reason().wireName(),
                f == null ? null : f.phase().wireName(), f == null ? null : f.message(), l.lastTotalMs());
    }

    /** Forgets every location's state of a monitor that stopped being monitored, as its monitor_state starts over. */
    public void clear(Connection c, String monitorId) throws SQLException {
        Sql.update(c, "DELETE FROM location_state WHERE monitor_id = ?", monitorId);
    }

    private static Quorum.Location row(ResultSet rs) throws SQLException {
        MonitorState s = new MonitorState(MonitorStatus.fromWireName(rs.getString("status")), rs.getInt("consecutive_failures"),
                rs.getInt("consecutive_successes"), Sql.longOrNull(rs, "streak_started_at"), Sql.longOrNull(rs, "streak_first_result_id"),
                null, rs.getLong("probes"));
        String reason = rs.getString("last_reason");
        Failure f = reason == null ? null
                : new Failure(Reason.fromWireName(reason), Phase.fromWireName(rs.getString("last_phase")), rs.getString("last_message"));
        return new Quorum.Location(rs.getString("location"), s, Sql.longOrNull(rs, "confirmed_at"), rs.getLong("last_probe_at"), f,
                Sql.doubleOrNull(rs, "last_total_ms"));
    }
}
