package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;

/** The mcpwatch processes sharing the database: one row each, whose heartbeat is also the check that the database takes writes. */
public final class NodeStore {

    public void heartbeat(Connection c, String name, String location, String version, long startedAt, long now) throws SQLException {
        Sql.update(c, "INSERT INTO nodes (name, location, version, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET location = excluded.location, version = excluded.version, "
                + "started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at", name, location, version, startedAt, now);
    }
}
