package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alert outbox: rows written with the incident change they report, claimed by one worker at a
 * time, delivered in order per channel and dedup key, and every finished attempt recorded. Claims
 * are safe with several nodes: on PostgreSQL the rows to claim are locked with SKIP LOCKED, so two
 * nodes never claim the same row; SQLite has one writer, which serializes claims anyway.
 */
public final class OutboxStore {
    public static final String PENDING = "pending";
    public static final String HELD = "held";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    public record OutboxRow(long id, Long incidentId, String monitorId, String event, String route, String channel, String dedupKey,
            String payload, String status, int attempts, long nextAttemptAt, String claimedBy, Long claimedAt, long createdAt,
            Long finishedAt, String lastError) {}

    public record AttemptRow(long id, long outboxId, int attempt, long startedAt, long latencyMs, String outcome, Integer responseCode,
            String error, String node) {}

    /** A row to write: held rows wait for a maintenance window to end. */
    public record NewRow(Long incidentId, String monitorId, String event, String route, String channel, String dedupKey, String payload,
            boolean held) {}

    private final Dialect dialect;

    public OutboxStore(Dialect dialect) {
        this.dialect = dialect;
    }

    public long insert(Connection c, NewRow r, long now) throws SQLException {
        return Sql.one(c, """
                INSERT INTO alert_outbox (incident_id, monitor_id, event, route, channel, dedup_key, payload, status, attempts,
                    next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id""", rs -> rs.getLong(1), r.incidentId(), r.monitorId(), r.event(),
                r.route(), r.channel(), r.dedupKey(), r.payload(), r.held() ? HELD : PENDING, now, now);
    }

    /** Channels that have rows due now (so the worker claims only for those). */
    public List<String> dueChannels(Connection c, long now) throws SQLException {
        return Sql.list(c, "SELECT DISTINCT channel FROM alert_outbox WHERE status = 'pending' AND next_attempt_at <= ?", rs -> rs.getString(1),
                now);
    }

    /**
     * Claims up to {@code limit} due rows of one channel for {@code token}: unclaimed ones, and those
     * whose claim is older than {@code staleBefore} (their node stopped). A row waits while an
     * earlier row of the same channel and dedup key is still pending or held, so an incident's
     * events reach each channel in order.
     */
    public List<OutboxRow> claim(Connection c, String channel, int limit, String node, String token, long now, long staleBefore)
            throws SQLException {
        List<OutboxRow> out = Sql.list(c, """
                UPDATE alert_outbox SET claimed_by = ?, claim_token = ?, claimed_at = ?
                WHERE id IN (
                    SELECT o.id FROM alert_outbox o
                    WHERE o.status = 'pending' AND o.channel = ? AND o.next_attempt_at <= ?
                      AND (o.claimed_by IS NULL OR o.claimed_at < ?)
                      AND NOT EXISTS (SELECT 1 FROM alert_outbox p WHERE p.channel = o.channel AND p.dedup_key = o.dedup_key
                                      AND p.id < o.id AND p.status IN ('pending', 'held'))
                    ORDER BY o.id LIMIT ?""" + dialect.skipLocked() + ")\nRETURNING *", OutboxStore::row, node, token, now, channel, now,
                staleBefore, limit);
        out.sort(Comparator.comparingLong(OutboxRow::id));
        return out;
    }

    /** Gives back the claims an earlier run of this node left (it was killed): they cannot be in flight. */
    public int releaseClaims(Connection c, String node, String currentToken) throws SQLException {
        return Sql.update(c, "UPDATE alert_outbox SET claimed_by = NULL, claim_token = NULL, claimed_at = NULL "
                + "WHERE claimed_by = ? AND claim_token <> ? AND status = 'pending'", node, currentToken);
    }

    /**
     * Records where a claimed row stands after an attempt, if the claim is still {@code token}'s
     * (false when another node took it over meanwhile: its attempt is the one that counts).
     */
    public boolean finish(Connection c, long id, String token, String status, int attempts, long nextAttemptAt, String error, long now)
            throws SQLException {
        boolean done = !status.equals(PENDING);
        return Sql.update(c, """
                UPDATE alert_outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, finished_at = ?,
                    claimed_by = NULL, claim_token = NULL, claimed_at = NULL
                WHERE id = ? AND claim_token = ?""", status, attempts, nextAttemptAt, error, done ? now : null, id, token) == 1;
    }

    /** Ends a pending row without an attempt (its channel is gone from the configuration). */
    public void abandon(Connection c, long id, String token, String error, long now) throws SQLException {
        Sql.update(c, "UPDATE alert_outbox SET status = 'failed', last_error = ?, finished_at = ?, "
                + "claimed_by = NULL, claim_token = NULL, claimed_at = NULL WHERE id = ? AND claim_token = ?", error, now, id, token);
    }

    public void attempt(Connection c, long outboxId, int attempt, long startedAt, long latencyMs, String outcome, Integer responseCode,
            String error, String node) throws SQLException {
        Sql.update(c, "INSERT INTO alert_attempts (outbox_id, attempt, started_at, latency_ms, outcome, response_code, error, node) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", outboxId, attempt, startedAt, latencyMs, outcome, responseCode, error, node);
    }

    /** A channel an incident was alerted on, by which route, and whether anything reached it or could (false: all still held). */
    public record Alerted(String route, boolean live) {}

    /** The channels an incident has been alerted on (opened, escalated, severity changed), in the order first alerted. */
    public Map<String, Alerted> alertedChannels(Connection c, long incidentId) throws SQLException {
        Map<String, Alerted> out = new LinkedHashMap<>();
        for (var row : Sql.list(c, "SELECT channel, route, status FROM alert_outbox WHERE incident_id = ? "
                + "AND event IN ('incident.opened', 'incident.escalated', 'incident.severity_changed') AND status <> 'cancelled' ORDER BY id",
                rs -> Map.entry(rs.getString(1), new Alerted(rs.getString(2), !HELD.equals(rs.getString(3)))), incidentId)) {
            out.merge(row.getKey(), row.getValue(), (x, y) -> new Alerted(x.route(), x.live() || y.live()));
        }
        return out;
    }

    /** Cancels an incident's held rows (it resolved inside the maintenance window). */
    public int cancelHeld(Connection c, long incidentId, String why, long now) throws SQLException {
        return Sql.update(c, "UPDATE alert_outbox SET status = 'cancelled', last_error = ?, finished_at = ? "
                + "WHERE incident_id = ? AND status = 'held'", why, now, incidentId);
    }

    /** Makes held rows of one monitor (and one incident, or the rows of no incident) due now. */
    public int releaseHeld(Connection c, String monitorId, Long incidentId, long now) throws SQLException {
        String sql = "UPDATE alert_outbox SET status = 'pending', next_attempt_at = ? WHERE status = 'held' AND monitor_id = ? AND ";
        return incidentId == null ? Sql.update(c, sql + "incident_id IS NULL", now, monitorId)
                : Sql.update(c, sql + "incident_id = ?", now, monitorId, incidentId);
    }

    /** The monitors that have held rows. */
    public List<String> heldMonitors(Connection c) throws SQLException {
        return Sql.list(c, "SELECT DISTINCT monitor_id FROM alert_outbox WHERE status = 'held'", rs -> rs.getString(1));
    }

    /** The incidents (null for rows without one) with held rows for a monitor. */
    public List<Long> heldIncidents(Connection c, String monitorId) throws SQLException {
        return Sql.list(c, "SELECT DISTINCT incident_id FROM alert_outbox WHERE status = 'held' AND monitor_id = ?",
                rs -> Sql.longOrNull(rs, "incident_id"), monitorId);
    }

    public String thread(Connection c, String channel, String dedupKey) throws SQLException {
        return Sql.one(c, "SELECT external_id FROM alert_threads WHERE channel = ? AND dedup_key = ?", rs -> rs.getString(1), channel,
                dedupKey);
    }

    public void saveThread(Connection c, String channel, String dedupKey, String externalId, long now) throws SQLException {
        Sql.update(c, "INSERT INTO alert_threads (channel, dedup_key, external_id, updated_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (channel, dedup_key) DO UPDATE SET external_id = excluded.external_id, updated_at = excluded.updated_at",
                channel, dedupKey, externalId, now);
    }

    public List<OutboxRow> forIncident(Connection c, long incidentId) throws SQLException {
        return Sql.list(c, "SELECT * FROM alert_outbox WHERE incident_id = ? ORDER BY id", OutboxStore::row, incidentId);
    }

    /** Rows newest first, optionally of one status, before the cursor id. */
    public List<OutboxRow> page(Connection c, String status, Long beforeId, int limit) throws SQLException {
        Sql.Where where = new Sql.Where().and("status = ?", status).and("id < ?", beforeId);
        return Sql.list(c, "SELECT * FROM alert_outbox" + where.sql() + " ORDER BY id DESC LIMIT ?", OutboxStore::row, where.args(limit));
    }

    public Map<Long, List<AttemptRow>> attempts(Connection c, List<Long> outboxIds) throws SQLException {
        Map<Long, List<AttemptRow>> out = new LinkedHashMap<>();
        if (outboxIds.isEmpty()) {
            return out;
        }
        for (AttemptRow a : Sql.list(c, "SELECT * FROM alert_attempts WHERE outbox_id IN (" + Sql.marks(outboxIds.size()) + ") ORDER BY id",
                rs -> new AttemptRow(rs.getLong("id"), rs.getLong("outbox_id"), rs.getInt("attempt"), rs.getLong("started_at"),
                        rs.getLong("latency_ms"), rs.getString("outcome"), Sql.intOrNull(rs, "response_code"), rs.getString("error"),
                        rs.getString("node")), outboxIds.toArray())) {
            out.computeIfAbsent(a.outboxId(), k -> new ArrayList<>()).add(a);
        }
        return out;
    }

    /**
     * Deletes up to {@code batch} finished rows (delivered, failed, cancelled) older than
     * {@code cutoff}, with their attempts, plus old threads and digest items; returns how many rows.
     */
    public int prune(Connection c, long cutoff, int batch) throws SQLException {
        String old = "SELECT id FROM alert_outbox WHERE status IN ('delivered', 'failed', 'cancelled') AND created_at < ? ORDER BY id LIMIT ?";
        return Sql.update(c, "DELETE FROM alert_attempts WHERE outbox_id IN (" + old + ")", cutoff, batch)
                + Sql.update(c, "DELETE FROM alert_outbox WHERE id IN (" + old + ")", cutoff, batch)
                + Sql.update(c, "DELETE FROM alert_threads WHERE updated_at < ?", cutoff)
                + Sql.update(c, "DELETE FROM alert_digest_items WHERE digest_id IS NOT NULL AND created_at < ?", cutoff);
    }

    private static OutboxRow row(ResultSet rs) throws SQLException {
        return new OutboxRow(rs.getLong("id"), Sql.longOrNull(rs, "incident_id"), rs.getString("monitor_id"), rs.getString("event"),
                rs.getString("route"), rs.getString("channel"), rs.getString("dedup_key"), rs.getString("payload"), rs.getString("status"),
                rs.getInt("attempts"), rs.getLong("next_attempt_at"), rs.getString("claimed_by"), Sql.longOrNull(rs, "claimed_at"),
                rs.getLong("created_at"), Sql.longOrNull(rs, "finished_at"), rs.getString("last_error"));
    }
}
