package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/** Health-check call outcomes per monitor, tool and hour: the input of a tool's error rate. */
public final class ToolCallStore {

    /** Calls and failed calls of one tool over a window. */
    public record Counts(long calls, long errors) {
        public double errorRate() {
            return calls == 0 ? 0 : (double) errors / calls;
        }
    }

    public void add(Connection c, String monitorId, long at, String tool, boolean ok) throws SQLException {
        Sql.update(c, """
                INSERT INTO tool_call_rollups (monitor_id, bucket_start, tool, calls, errors) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (monitor_id, bucket_start, tool) DO UPDATE SET calls = tool_call_rollups.calls + 1,
                    errors = tool_call_rollups.errors + excluded.errors""", monitorId, Resolution.HOUR.bucketStart(at), tool, ok ? 0 : 1);
    }

    /** Each tool's counts over the hours in [from, to). */
    public Map<String, Counts> window(Connection c, String monitorId, long from, long to) throws SQLException {
        Map<String, Counts> out = new TreeMap<>();
        Sql.list(c, "SELECT tool, SUM(calls), SUM(errors) FROM tool_call_rollups WHERE monitor_id = ? AND bucket_start >= ? "
                + "AND bucket_start < ? GROUP BY tool", rs -> Map.entry(rs.getString(1), new Counts(rs.getLong(2), rs.getLong(3))), monitorId,
                Resolution.HOUR.bucketStart(from), to).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Deletes a monitor's hours before {@code cutoff}. */
    public int deleteOlderThan(Connection c, String monitorId, long cutoff) throws SQLException {
        return Sql.update(c, "DELETE FROM tool_call_rollups WHERE monitor_id = ? AND bucket_start < ?", monitorId, cutoff);
    }
}
