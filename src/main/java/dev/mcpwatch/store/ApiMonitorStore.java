package dev.mcpwatch.store;

import dev.mcpwatch.config.MonitorConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Monitors owned by the dashboard and the API rather than a configuration file: their definitions
 * as entered (JSON in the configuration file's shape, header values only as {@code ${ENV}}
 * references), and their row in {@code monitors} with source 'api'. The file wins: an id the file
 * defines is never written here, and {@link MonitorStore#sync} takes over an id the file adds.
 */
public final class ApiMonitorStore {

    /** Every definition, by id. */
    public Map<String, String> definitions(Connection c) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        Sql.list(c, "SELECT id, definition FROM api_monitors ORDER BY id", rs -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public String definition(Connection c, String id) throws SQLException {
        return Sql.one(c, "SELECT definition FROM api_monitors WHERE id = ?", rs -> rs.getString(1), id);
    }

    /** Stores a definition and the monitor's row (source 'api'), revived if it was removed before. */
    public void save(Connection c, MonitorConfig m, String definition, long now) throws SQLException {
        Sql.update(c, "INSERT INTO api_monitors (id, definition, created_at, updated_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at", m.id(), definition, now,
                now);
        Sql.update(c, """
                INSERT INTO monitors (id, name, transport, target, source, config, interval_ms, tags, paused, created_at, updated_at, removed_at)
                VALUES (?, ?, ?, ?, 'api', ?, ?, ?, ?, ?, ?, NULL)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, transport = excluded.transport, target = excluded.target,
                    source = 'api', config = excluded.config, interval_ms = excluded.interval_ms, tags = excluded.tags,
                    paused = excluded.paused, updated_at = excluded.updated_at, removed_at = NULL""", m.id(), m.name(), m.transport().wireName(),
                m.target(), MonitorStore.describe(m).toString(), m.interval().toMillis(), MonitorStore.tagsColumn(m.tags()), m.paused(), now,
                now);
    }

    /** Deletes the definition and marks the monitor removed (its history stays). False if the API did not own it. */
    public boolean delete(Connection c, String id, long now) throws SQLException {
        int deleted = Sql.update(c, "DELETE FROM api_monitors WHERE id = ?", id);
        Sql.update(c, "UPDATE monitors SET removed_at = ?, updated_at = ? WHERE id = ? AND source = 'api'", now, now, id);
        return deleted == 1;
    }

    /** Drops the definitions of ids a configuration file now defines: the file owns them from now on. */
    public int dropShadowed(Connection c, Iterable<String> fileIds) throws SQLException {
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_monitors WHERE id = ?")) {
            for (String id : fileIds) {
                ps.setString(1, id);
                n += ps.executeUpdate();
            }
        }
        return n;
    }

    /** Who owns a monitor id: "file", "api", or null when no live monitor has it. */
    public String owner(Connection c, String id) throws SQLException {
        return Sql.one(c, "SELECT source FROM monitors WHERE id = ? AND removed_at IS NULL", rs -> rs.getString(1), id);
    }
}
