package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Alerts collected for digests. A digest is opened once per route and period (a unique key), then
 * takes every collected item of the route from before the period's end, so with several nodes each
 * item goes out in exactly one digest.
 */
public final class DigestStore {

    public void add(Connection c, String route, String monitorId, String event, String payload, long now) throws SQLException {
        Sql.update(c, "INSERT INTO alert_digest_items (route, monitor_id, event, payload, created_at) VALUES (?, ?, ?, ?, ?)", route,
                monitorId, event, payload, now);
    }

    public long waiting(Connection c, String route, long before) throws SQLException {
        return Sql.one(c, "SELECT COUNT(*) FROM alert_digest_items WHERE route = ? AND digest_id IS NULL AND created_at < ?",
                rs -> rs.getLong(1), route, before);
    }

    /** Whether the digest of a route's period was already opened (here or on another node). */
    public boolean sent(Connection c, String route, long periodEnd) throws SQLException {
        return Sql.one(c, "SELECT COUNT(*) FROM alert_digests WHERE route = ? AND period_end = ?", rs -> rs.getLong(1), route, periodEnd) > 0;
    }

    /** Opens the digest of a route's period; null when it was already opened (here or on another node). */
    public Long open(Connection c, String route, long periodEnd, long now) throws SQLException {
        return Sql.one(c, "INSERT INTO alert_digests (route, period_end, items, created_at) VALUES (?, ?, 0, ?) "
                + "ON CONFLICT (route, period_end) DO NOTHING RETURNING id", rs -> rs.getLong(1), route, periodEnd, now);
    }

    /** Moves the route's waiting items from before {@code before} into the digest; returns their payloads, oldest first. */
    public List<String> take(Connection c, long digestId, String route, long before) throws SQLException {
        Sql.update(c, "UPDATE alert_digest_items SET digest_id = ? WHERE route = ? AND digest_id IS NULL AND created_at < ?", digestId,
                route, before);
        List<String> out = Sql.list(c, "SELECT payload FROM alert_digest_items WHERE digest_id = ? ORDER BY id", rs -> rs.getString(1),
                digestId);
        Sql.update(c, "UPDATE alert_digests SET items = ? WHERE id = ?", out.size(), digestId);
        return out;
    }
}
