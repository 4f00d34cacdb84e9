package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.probe.ToolSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Tool lists, stored once per distinct (schema fingerprint, wording fingerprint) however many probes
 * and monitors see them, and the history of which list each monitor served.
 */
public final class ToolListStore {

    /** A stored list: its id, fingerprints and the definitions as the server listed them. */
    public record StoredList(long id, String fingerprint, String wordingFingerprint, int toolCount, JsonNode tools, long firstSeenAt) {}

    /** One change in a monitor's tool list. */
    public record HistoryEntry(long id, long toolListId, String fingerprint, int toolCount, String serverVersion, long seenAt) {}

    /** The id of this list, storing it first if it was never seen. */
    public long intern(Connection c, ToolList list, long now) throws SQLException {
        Long id = find(c, list.fingerprint(), list.descriptionsFingerprint());
        if (id != null) {
            return id;
        }
        // The definitions' compact JSON, joined: no tree of the whole list is built to store it.
        StringBuilder defs = new StringBuilder("[");
        for (ToolSnapshot t : list.tools()) {
            defs.append(defs.length() == 1 ? "" : ",").append(t.definitionJson());
        }
        defs.append(']');
        Sql.update(c, "INSERT INTO tool_lists (fingerprint, wording_fingerprint, tool_count, tools, first_seen_at) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (fingerprint, wording_fingerprint) DO NOTHING", list.fingerprint(), list.descriptionsFingerprint(), list.count(),
                defs.toString(), now);
        return find(c, list.fingerprint(), list.descriptionsFingerprint());
    }

    private static Long find(Connection c, String fingerprint, String wording) throws SQLException {
        return Sql.one(c, "SELECT id FROM tool_lists WHERE fingerprint = ? AND wording_fingerprint = ?", rs -> rs.getLong(1), fingerprint,
                wording);
    }

    /** Records that a monitor now serves {@code listId}, when that differs from {@code previousId}. */
    public boolean recordIfChanged(Connection c, String monitorId, Long previousId, long listId, String serverVersion, long at)
            throws SQLException {
        if (previousId != null && previousId == listId) {
            return false;
        }
        Sql.update(c, "INSERT INTO tool_list_history (monitor_id, tool_list_id, server_version, seen_at) VALUES (?, ?, ?, ?)", monitorId,
                listId, serverVersion, at);
        return true;
    }

    public StoredList get(Connection c, long id) throws SQLException {
        return Sql.one(c, "SELECT id, fingerprint, wording_fingerprint, tool_count, tools, first_seen_at FROM tool_lists WHERE id = ?",
                rs -> new StoredList(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), Json.MAPPER.readTree(rs.getString(5)),
                        rs.getLong(6)), id);
    }

    /** The list a monitor served last, or null. */
    public StoredList current(Connection c, String monitorId) throws SQLException {
        Long id = Sql.one(c, "SELECT tool_list_id FROM monitor_state WHERE monitor_id = ?", rs -> Sql.longOrNull(rs, "tool_list_id"),
                monitorId);
        return id == null ? null : get(c, id);
    }

    public List<HistoryEntry> history(Connection c, String monitorId, int limit) throws SQLException {
        return Sql.list(c, "SELECT h.id, h.tool_list_id, l.fingerprint, l.tool_count, h.server_version, h.seen_at FROM tool_list_history h "
                + "JOIN tool_lists l ON l.id = h.tool_list_id WHERE h.monitor_id = ? ORDER BY h.id DESC LIMIT ?",
                rs -> new HistoryEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getString(5), rs.getLong(6)),
                monitorId, limit);
    }
}
