package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The mcpwatch processes sharing the database: one row each, whose heartbeat is also the check that the database takes writes. */
public final class NodeStore {

    /** A location as its nodes' rows show it: how many beat since the limit, and its latest beat. */
    public record LocationRow(String name, int liveNodes, int nodes, long lastHeartbeatAt) {}

    public void heartbeat(Connection c, String name, String location, String version, long startedAt, long now) throws SQLException {
        Sql.update(c, "INSERT INTO nodes (name, location, version, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET location = excluded.location, version = excluded.version, "
                + "started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at", name, location, version, startedAt, now);
    }

    /** Every location a node ever reported, by name; a node is live when it beat at or after {@code liveSince}. */
    public List<LocationRow> locations(Connection c, long liveSince) throws SQLException {
        return Sql.list(c, "SELECT location, SUM(CASE WHEN heartbeat_at >= ? THEN 1 ELSE 0 END), COUNT(*), MAX(heartbeat_at) "
                + "FROM nodes GROUP BY location ORDER BY location",
                rs -> new LocationRow(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getLong(4)), liveSince);
    }
}
