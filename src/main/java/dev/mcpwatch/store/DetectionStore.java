package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The {@code detection_state} table: each detection rule's memory and held conditions per monitor,
 * as JSON the rules own. One read per probe loads all of a monitor's rules.
 */
public final class DetectionStore {

    /** One rule's stored state for one monitor. */
    public record RuleState(String rule, JsonNode memory, JsonNode held, long updatedAt) {}

    /** Every rule's state for a monitor, by rule id. */
    public Map<String, RuleState> load(Connection c, String monitorId) throws SQLException {
        Map<String, RuleState> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT rule, memory, held, updated_at FROM detection_state WHERE monitor_id = ?")) {
            ps.setString(1, monitorId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new RuleState(rs.getString(1), Json.MAPPER.readTree(rs.getString(2)),
                            Json.MAPPER.readTree(rs.getString(3)), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    public void save(Connection c, String monitorId, String rule, JsonNode memory, JsonNode held, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO detection_state (monitor_id, rule, memory, held, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (monitor_id, rule) DO UPDATE SET memory = excluded.memory, held = excluded.held,
                    updated_at = excluded.updated_at""")) {
            Sql.bindAll(ps, monitorId, rule, memory.toString(), held.toString(), at);
            ps.executeUpdate();
        }
    }
}
