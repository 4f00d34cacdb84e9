package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What {@code /metrics} reads of the database at each scrape: one row per monitor in force (a single
 * query, so a scrape costs the same few statements at ten monitors or ten thousand), the alert
 * outbox's backlog and the delivery attempts on record.
 */
public final class MetricsStore {

    /**
     * A monitor's figures. {@code severity} is the open incident's severity in force (null without one),
     * {@code pendingDrifts} the tool-list drifts not yet acknowledged.
     */
    public record MonitorFigures(String id, boolean paused, String status, Boolean lastHealthy, Double lastTotalMs, Long lastProbeAt,
            Long tlsNotAfter, Integer toolCount, String severity, long pendingDrifts) {}

    /** A count by two labels (channel and status, channel and outcome). */
    public record Count(String first, String second, long count) {}

    public List<MonitorFigures> monitors(Connection c) throws SQLException {
        return Sql.list(c, """
                SELECT m.id, m.paused, COALESCE(s.status, 'unknown') AS status, s.last_healthy, s.last_total_ms, s.last_probe_at,
                    s.tls_not_after, t.tool_count, COALESCE(i.current_severity, i.severity) AS severity, COALESCE(d.n, 0) AS drifts
                FROM monitors m
                LEFT JOIN monitor_state s ON s.monitor_id = m.id
                LEFT JOIN tool_lists t ON t.id = s.tool_list_id
                LEFT JOIN incidents i ON i.id = s.open_incident_id AND i.resolved_at IS NULL
                LEFT JOIN (SELECT monitor_id, COUNT(*) AS n FROM drifts WHERE acknowledged_at IS NULL GROUP BY monitor_id) d
                    ON d.monitor_id = m.id
                WHERE m.removed_at IS NULL
                ORDER BY m.id""",
                rs -> new MonitorFigures(rs.getString("id"), rs.getBoolean("paused"), rs.getString("status"), Sql.boolOrNull(rs, "last_healthy"),
                        Sql.doubleOrNull(rs, "last_total_ms"), Sql.longOrNull(rs, "last_probe_at"), Sql.longOrNull(rs, "tls_not_after"),
                        Sql.intOrNull(rs, "tool_count"), rs.getString("severity"), rs.getLong("drifts")));
    }

    /** Alerts waiting to be delivered, by channel and status (pending, held). */
    public List<Count> outboxBacklog(Connection c) throws SQLException {
        return Sql.list(c, "SELECT channel, status, COUNT(*) FROM alert_outbox WHERE status IN (?, ?) GROUP BY channel, status",
                rs -> new Count(rs.getString(1), rs.getString(2), rs.getLong(3)), OutboxStore.PENDING, OutboxStore.HELD);
    }

    /** Finished delivery attempts still on record ({@code delivery.keep_history}), by channel and outcome. */
    public List<Count> deliveryAttempts(Connection c) throws SQLException {
        return Sql.list(c, "SELECT o.channel, a.outcome, COUNT(*) FROM alert_attempts a JOIN alert_outbox o ON o.id = a.outbox_id "
                + "GROUP BY o.channel, a.outcome", rs -> new Count(rs.getString(1), rs.getString(2), rs.getLong(3)));
    }
}
