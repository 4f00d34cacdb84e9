package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import java.sql.Connection;
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
        for (RuleState r : Sql.list(c, "SELECT rule, memory, held, updated_at FROM detection_state WHERE monitor_id = ?",
                rs -> new RuleState(rs.getString(1), Json.MAPPER.readTree(rs.getString(2)), Json.MAPPER.readTree(rs.getString(3)),
                        rs.getLong(4)), monitorId)) {
            out.put(r.rule(), r);
        }
        return out;
    }

    public void save(Connection c, String monitorId, String rule, JsonNode memory, JsonNode held, long at) throws SQLException {
        Sql.update(c, """
                INSERT INTO detection_state (monitor_id, rule, memory, held, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (monitor_id, rule) DO UPDATE SET memory = excluded.memory, held = excluded.held,
                    updated_at = excluded.updated_at""", monitorId, rule, memory.toString(), held.toString(), at);
    }
}
