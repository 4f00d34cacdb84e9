package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SLOs owned by the API rather than a configuration file: their definitions as entered (JSON in the
 * shape of one entry of {@code slos:}). The file wins: an id the file defines is never written here,
 * and {@link #dropShadowed} hands over an id the file adds.
 */
public final class ApiSloStore {

    /** Every definition, by id. */
    public Map<String, String> definitions(Connection c) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        Sql.list(c, "SELECT id, definition FROM api_slos ORDER BY id", rs -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The definition of one SLO, or null. */
    public String definition(Connection c, String id) throws SQLException {
        return Sql.one(c, "SELECT definition FROM api_slos WHERE id = ?", rs -> rs.getString(1), id);
    }

    /** Stores a new definition; false when the id is taken (two nodes creating the same id: one wins). */
    public boolean insert(Connection c, String id, String definition, long now) throws SQLException {
        return Sql.update(c, "INSERT INTO api_slos (id, definition, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING", id,
                definition, now, now) == 1;
    }

    /** Replaces a definition; false when there is none with this id. */
    public boolean replace(Connection c, String id, String definition, long now) throws SQLException {
        return Sql.update(c, "UPDATE api_slos SET definition = ?, updated_at = ? WHERE id = ?", definition, now, id) == 1;
    }

    /** Deletes a definition; false when there was none. */
    public boolean delete(Connection c, String id) throws SQLException {
        return Sql.update(c, "DELETE FROM api_slos WHERE id = ?", id) == 1;
    }

    /** Drops the definitions of ids a configuration file now defines: the file owns them from now on. */
    public int dropShadowed(Connection c, Iterable<String> fileIds) throws SQLException {
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_slos WHERE id = ?")) {
            for (String id : fileIds) {
                ps.setString(1, id);
                n += ps.executeUpdate();
            }
        }
        return n;
    }
}
