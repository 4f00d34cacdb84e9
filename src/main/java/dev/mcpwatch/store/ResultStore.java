package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ToolList;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Raw probe results: the searchable fields in columns, the rest (phase timings, TLS, capabilities,
 * warnings, auth, tool call) as JSON. Tool definitions are not repeated here; they live once in
 * {@link ToolListStore}.
 */
public final class ResultStore {

    /** A stored result, as the API serves it. */
    public record ResultRow(long id, String monitorId, long startedAt, String location, boolean healthy, String reason, String layer,
            String phase, String message, double totalMs, String era, String protocolVersion, String serverName,
            String serverVersion, Integer toolCount, Long toolListId, Long tlsNotAfter, JsonNode detail) {}

    public long insert(Connection c, String monitorId, String location, ProbeResult r, Long toolListId) throws SQLException {
        var f = r.failure();
        return Sql.one(c, """
                INSERT INTO probe_results (monitor_id, started_at, location, healthy, reason, layer, phase, message, total_ms, era,
                    protocol_version, server_name, server_version, tool_count, tool_list_id, tls_not_after, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""", rs -> rs.getLong(1), monitorId,
                r.startedAt().toEpochMilli(), location, r.healthy(), f == null ? null : f.reason().wireName(),
                f == null ? null : f.layer().wireName(), f == null ? null : f.phase().wireName(), f == null ? null : f.message(), r.totalMs(),
                r.era() == null ? null : r.era().wireName(), r.protocolVersion(), r.server() == null ? null : r.server().name(),
                r.server() == null ? null : r.server().version(), r.tools() == null ? null : r.tools().count(), toolListId,
                r.tls() == null || r.tls().notAfter() == null ? null : r.tls().notAfter().toEpochMilli(), detail(r));
    }

    /** The result as JSON without the tool definitions (a summary of the list instead). */
    static String detail(ProbeResult r) {
        ObjectNode tree = Json.MAPPER.valueToTree(r);
        ToolList tools = r.tools();
        if (tools != null) {
            ObjectNode summary = Json.object();
            summary.put("count", tools.count());
            summary.put("pages", tools.pages());
            summary.put("fingerprint", tools.fingerprint());
            summary.put("wordingFingerprint", tools.descriptionsFingerprint());
            var names = summary.putArray("names");
            tools.names().forEach(names::add);
            tree.set("tools", summary);
        }
        return tree.toString();
    }

    /**
     * Results of a monitor in [{@code from}, {@code to}), newest first, after the cursor
     * ({@code beforeStartedAt}, {@code beforeId}) of the previous page.
     */
    public List<ResultRow> page(Connection c, String monitorId, long from, long to, Long beforeStartedAt, Long beforeId, int limit)
            throws SQLException {
        String cursor = beforeStartedAt == null ? "" : " AND (started_at < ? OR (started_at = ? AND id < ?))";
        List<Object> args = new ArrayList<>(List.of(monitorId, from, to));
        if (beforeStartedAt != null) {
            args.addAll(List.of(beforeStartedAt, beforeStartedAt, beforeId));
        }
        args.add(limit);
        return Sql.list(c, "SELECT * FROM probe_results WHERE monitor_id = ? AND started_at >= ? AND started_at < ?" + cursor
                + " ORDER BY started_at DESC, id DESC LIMIT ?", ResultStore::row, args.toArray());
    }

    /** The last failed probes of a monitor, newest first (raw results, so within raw retention). */
    public List<ResultRow> recentFailures(Connection c, String monitorId, int limit) throws SQLException {
        return Sql.list(c, "SELECT * FROM probe_results WHERE monitor_id = ? AND healthy = ? ORDER BY started_at DESC, id DESC LIMIT ?",
                ResultStore::row, monitorId, false, limit);
    }

    /** A server version a probe reported, and when. */
    public record VersionSeen(long at, String version) {}

    /**
     * The server versions reported in [{@code from}, {@code to}], each time it differed from the one
     * before (the first entry is the version in force at {@code from}, when known).
     */
    public List<VersionSeen> serverVersionChanges(Connection c, String monitorId, long from, long to) throws SQLException {
        List<VersionSeen> out = new ArrayList<>();
        VersionSeen before = Sql.one(c, "SELECT started_at, server_version FROM probe_results WHERE monitor_id = ? AND started_at < ? "
                + "AND server_version IS NOT NULL ORDER BY started_at DESC LIMIT 1", rs -> new VersionSeen(rs.getLong(1), rs.getString(2)),
                monitorId, from);
        if (before != null) {
            out.add(before);
        }
        for (VersionSeen v : Sql.list(c, "SELECT started_at, server_version FROM probe_results WHERE monitor_id = ? AND started_at >= ? "
                + "AND started_at <= ? AND server_version IS NOT NULL ORDER BY started_at", rs -> new VersionSeen(rs.getLong(1), rs.getString(2)),
                monitorId, from, to)) {
            if (out.isEmpty() || !out.getLast().version().equals(v.version())) {
                out.add(v);
            }
        }
        return out;
    }

    /** When the monitor's last healthy probe before {@code before} started, or null (none within raw retention). */
    public Long lastHealthyBefore(Connection c, String monitorId, long before) throws SQLException {
        return Sql.one(c, "SELECT MAX(started_at) FROM probe_results WHERE monitor_id = ? AND healthy = ? AND started_at < ?",
                rs -> {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? null : v;
                }, monitorId, true, before);
    }

    /** What rollups need of a probe: when, its outcome, its total and (when asked for) its phase timings. */
    public record Measured(String monitorId, long startedAt, boolean healthy, String reason, double totalMs, List<PhaseTiming> timings) {}

    /**
     * The probes of these monitors (null: every monitor) started in [{@code from}, {@code to}), by
     * monitor then start; timings only when {@code timings} (else an empty list).
     */
    List<Measured> measured(Connection c, Collection<String> monitorIds, long from, long to, boolean timings) throws SQLException {
        List<Object> args = new ArrayList<>(List.of(from, to));
        String filter = "";
        if (monitorIds != null) {
            args.addAll(monitorIds);
            filter = " AND monitor_id IN (" + Sql.marks(monitorIds.size()) + ")";
        }
        return Sql.list(c, "SELECT monitor_id, started_at, healthy, reason, total_ms" + (timings ? ", detail" : "")
                + " FROM probe_results WHERE started_at >= ? AND started_at < ?" + filter + " ORDER BY monitor_id, started_at, id",
                rs -> new Measured(rs.getString(1), rs.getLong(2), rs.getBoolean(3), rs.getString(4), rs.getDouble(5),
                        timings ? timings(rs.getString(6)) : List.of()), args.toArray());
    }

    private static List<PhaseTiming> timings(String detail) {
        List<PhaseTiming> out = new ArrayList<>();
        for (JsonNode t : Json.MAPPER.readTree(detail).path("timings")) {
            out.add(PhaseTiming.network(Phase.fromWireName(t.path("phase").asString()), t.path("startMs").asDouble(),
                    t.path("durationMs").asDouble()));
        }
        return out;
    }

    public ResultRow get(Connection c, long id) throws SQLException {
        return Sql.one(c, "SELECT * FROM probe_results WHERE id = ?", ResultStore::row, id);
    }

    /** Deletes up to {@code batch} results older than {@code cutoff}; returns how many went. */
    public int deleteOlderThan(Connection c, long cutoff, int batch) throws SQLException {
        return Sql.update(c, "DELETE FROM probe_results WHERE id IN (SELECT id FROM probe_results WHERE started_at < ? ORDER BY started_at "
                + "LIMIT ?)", cutoff, batch);
    }

    public long count(Connection c) throws SQLException {
        return Sql.one(c, "SELECT COUNT(*) FROM probe_results", rs -> rs.getLong(1));
    }

    private static ResultRow row(ResultSet rs) throws SQLException {
        return new ResultRow(rs.getLong("id"), rs.getString("monitor_id"), rs.getLong("started_at"), rs.getString("location"),
                rs.getBoolean("healthy"), rs.getString("reason"), rs.getString("layer"), rs.getString("phase"), rs.getString("message"),
                rs.getDouble("total_ms"), rs.getString("era"), rs.getString("protocol_version"), rs.getString("server_name"),
                rs.getString("server_version"), Sql.intOrNull(rs, "tool_count"), Sql.longOrNull(rs, "tool_list_id"),
                Sql.longOrNull(rs, "tls_not_after"), Json.MAPPER.readTree(rs.getString("detail")));
    }
}
