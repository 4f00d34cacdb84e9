package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Alerts collected for digests. A digest is opened once per route and period (a unique key), then
 * takes every collected item of the route from before the period's end, so with several nodes each
 * item goes out in exactly one digest.
 */
public final class DigestStore {

    public void add(Connection c, String route, String monitorId, String event, String payload, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_digest_items (route, monitor_id, event, payload, created_at) "
                + "VALUES (?, ?, ?, ?, ?)")) {
            Sql.bindAll(ps, route, monitorId, event, payload, now);
            ps.executeUpdate();
        }
    }

    public long waiting(Connection c, String route, long before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM alert_digest_items WHERE route = ? AND digest_id IS NULL "
                + "AND created_at < ?")) {
            Sql.bindAll(ps, route, before);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Opens the digest of a route's period; null when it was already opened (here or on another node). */
    public Long open(Connection c, String route, long periodEnd, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_digests (route, period_end, items, created_at) VALUES (?, ?, 0, ?) "
                + "ON CONFLICT (route, period_end) DO NOTHING RETURNING id")) {
            Sql.bindAll(ps, route, periodEnd, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Moves the route's waiting items from before {@code before} into the digest; returns their payloads, oldest first. */
    public List<String> take(Connection c, long digestId, String route, long before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE alert_digest_items SET digest_id = ? WHERE route = ? AND digest_id IS NULL "
                + "AND created_at < ?")) {
            Sql.bindAll(ps, digestId, route, before);
            ps.executeUpdate();
        }
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT payload FROM alert_digest_items WHERE digest_id = ? ORDER BY id")) {
            ps.setLong(1, digestId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE alert_digests SET items = ? WHERE id = ?")) {
            Sql.bindAll(ps, out.size(), digestId);
            ps.executeUpdate();
        }
        return out;
    }
}
