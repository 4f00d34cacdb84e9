package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Health-check call outcomes per monitor, tool and hour (the input of a tool's error rate), and per
 * minute beside them (kept as long as minute rollups) for SLOs on one tool's calls, whose burn-rate
 * windows are five minutes long.
 */
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
        Sql.update(c, """
                INSERT INTO tool_call_minutes (monitor_id, bucket_start, tool, calls, errors) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (monitor_id, bucket_start, tool) DO UPDATE SET calls = tool_call_minutes.calls + 1,
                    errors = tool_call_minutes.errors + excluded.errors""", monitorId, Resolution.MINUTE.bucketStart(at), tool, ok ? 0 : 1);
    }

    /**
     * Calls and failed calls of one tool of these monitors whose bucket starts in [from, to): read
     * from the minutes at minute resolution, from the hours at hour and day resolution (an hour
     * bucket starts in a day it belongs to).
     */
    public Counts calls(Connection c, Resolution res, long from, long to, Collection<String> monitorIds, String tool)
            throws SQLException {
        if (monitorIds.isEmpty()) {
            return new Counts(0, 0);
        }
        String table = res == Resolution.MINUTE ? "tool_call_minutes" : "tool_call_rollups";
        List<Object> args = new ArrayList<>(List.of(tool, from, to));
        args.addAll(monitorIds);
        return Sql.one(c, "SELECT COALESCE(SUM(calls), 0), COALESCE(SUM(errors), 0) FROM " + table + " WHERE tool = ? AND bucket_start >= ? "
                + "AND bucket_start < ? AND monitor_id IN (" + Sql.marks(monitorIds.size()) + ")", rs -> new Counts(rs.getLong(1),
                        rs.getLong(2)), args.toArray());
    }

    /** Deletes every monitor's minutes before {@code cutoff}, oldest first, at most {@code limit}-ish rows at a time. */
    public int deleteMinutesBefore(Connection c, long cutoff) throws SQLException {
        Long oldest = Sql.one(c, "SELECT MIN(bucket_start) AS oldest FROM tool_call_minutes WHERE bucket_start < ?",
                rs -> Sql.longOrNull(rs, "oldest"), cutoff);
        return oldest == null ? 0 : Sql.update(c, "DELETE FROM tool_call_minutes WHERE bucket_start = ?", oldest);
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
