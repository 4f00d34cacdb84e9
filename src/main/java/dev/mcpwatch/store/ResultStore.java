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
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Raw probe results, compact: a probe's stable part (target, server, capabilities, TLS, tool summary,
 * what each phase answered; everything but its times) is stored once per monitor as a shape
 * ({@code probe_shapes}), and each probe's row keeps only its monitor's integer key, start, outcome,
 * total and its times as integer microseconds ({@link ProbeTimes}). A failed probe keeps its full
 * detail in its row. Read back, a result is its shape with its times put back: the same detail as
 * the whole result serialised (times to the microsecond). Tool definitions are not repeated here;
 * they live once in {@link ToolListStore}.
 */
public final class ResultStore {

    /** A stored result, as the API serves it. */
    public record ResultRow(long id, String monitorId, long startedAt, String location, boolean healthy, String reason, String layer,
            String phase, String message, double totalMs, String era, String protocolVersion, String serverName,
            String serverVersion, Integer toolCount, Long toolListId, Long tlsNotAfter, JsonNode detail) {}

    public long insert(Connection c, String monitorId, String location, ProbeResult r, Long toolListId) throws SQLException {
        long key = monitorKey(c, monitorId);
        ObjectNode detail = detailTree(r);
        ProbeTimes.Split split = ProbeTimes.split(detail, r.startedAt());
        var f = r.failure();
        long shape = shape(c, key, location, r, toolListId, split.shape());
        return Sql.one(c, """
                INSERT INTO probe_results (monitor_key, started_at, healthy, total_us, shape_id, timings, reason, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""", rs -> rs.getLong(1), key, r.startedAt().toEpochMilli(), r.healthy(),
                ProbeTimes.micros(r.totalMs()), shape, r.healthy() ? split.times() : null, f == null ? null : f.reason().wireName(),
                r.healthy() ? null : detail.toString());
    }

    /** The monitor's integer key, given on its first result. */
    static long monitorKey(Connection c, String monitorId) throws SQLException {
        Long key = Sql.one(c, "SELECT monitor_key FROM monitor_keys WHERE monitor_id = ?", rs -> rs.getLong(1), monitorId);
        if (key != null) {
            return key;
        }
        Sql.update(c, "INSERT INTO monitor_keys (monitor_id) VALUES (?) ON CONFLICT (monitor_id) DO NOTHING", monitorId);
        return Sql.one(c, "SELECT monitor_key FROM monitor_keys WHERE monitor_id = ?", rs -> rs.getLong(1), monitorId);
    }

    /** The id of this shape of the monitor's results, stored on first sight. */
    private static long shape(Connection c, long key, String location, ProbeResult r, Long toolListId, String shape) throws SQLException {
        Object[] columns = {location, r.era() == null ? null : r.era().wireName(), r.protocolVersion(),
                r.server() == null ? null : r.server().name(), r.server() == null ? null : r.server().version(),
                r.tools() == null ? null : r.tools().count(), toolListId,
                r.tls() == null || r.tls().notAfter() == null ? null : r.tls().notAfter().toEpochMilli()};
        String hash = ProbeTimes.hash(Arrays.toString(columns) + shape);
        Long id = Sql.one(c, "SELECT id FROM probe_shapes WHERE monitor_key = ? AND hash = ?", rs -> rs.getLong(1), key, hash);
        if (id != null) {
            return id;
        }
        List<Object> args = new ArrayList<>(List.of(key, hash));
        args.addAll(Arrays.asList(columns));
        args.add(shape);
        return Sql.one(c, "INSERT INTO probe_shapes (monitor_key, hash, location, era, protocol_version, server_name, server_version, "
                + "tool_count, tool_list_id, tls_not_after, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                rs -> rs.getLong(1), args.toArray());
    }

    /** The result as JSON without the tool definitions (a summary of the list instead). */
    static String detail(ProbeResult r) {
        return detailTree(r).toString();
    }

    /** {@link #detail} as a tree: what a probe's row is split from, without writing it out and reading it back. */
    private static ObjectNode detailTree(ProbeResult r) {
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
        return tree;
    }

    private static final String SELECT = "SELECT r.id, k.monitor_id, r.started_at, s.location, r.healthy, r.reason, r.total_us, s.era, s.protocol_version, "
            + "s.server_name, s.server_version, s.tool_count, s.tool_list_id, s.tls_not_after, s.detail AS shape, r.timings, r.detail "
            + "FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key JOIN probe_shapes s ON s.id = r.shape_id ";

    /**
     * Results of a monitor in [{@code from}, {@code to}), newest first, after the cursor
     * ({@code beforeStartedAt}, {@code beforeId}) of the previous page.
     */
    public List<ResultRow> page(Connection c, String monitorId, long from, long to, Long beforeStartedAt, Long beforeId, int limit)
            throws SQLException {
        String cursor = beforeStartedAt == null ? "" : " AND (r.started_at < ? OR (r.started_at = ? AND r.id < ?))";
        List<Object> args = new ArrayList<>(List.of(monitorId, from, to));
        if (beforeStartedAt != null) {
            args.addAll(List.of(beforeStartedAt, beforeStartedAt, beforeId));
        }
        args.add(limit);
        return Sql.list(c, SELECT + "WHERE k.monitor_id = ? AND r.started_at >= ? AND r.started_at < ?" + cursor
                + " ORDER BY r.started_at DESC, r.id DESC LIMIT ?", ResultStore::row, args.toArray());
    }

    /** The last failed probes of a monitor, newest first (raw results, so within raw retention). */
    public List<ResultRow> recentFailures(Connection c, String monitorId, int limit) throws SQLException {
        return Sql.list(c, SELECT + "WHERE k.monitor_id = ? AND r.healthy = ? ORDER BY r.started_at DESC, r.id DESC LIMIT ?",
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
        VersionSeen before = Sql.one(c, "SELECT r.started_at, s.server_version FROM probe_results r JOIN monitor_keys k ON k.monitor_key = "
                + "r.monitor_key JOIN probe_shapes s ON s.id = r.shape_id WHERE k.monitor_id = ? AND r.started_at < ? "
                + "AND s.server_version IS NOT NULL ORDER BY r.started_at DESC LIMIT 1", rs -> new VersionSeen(rs.getLong(1), rs.getString(2)),
                monitorId, from);
        if (before != null) {
            out.add(before);
        }
        for (VersionSeen v : Sql.list(c, "SELECT r.started_at, s.server_version FROM probe_results r JOIN monitor_keys k ON k.monitor_key = "
                + "r.monitor_key JOIN probe_shapes s ON s.id = r.shape_id WHERE k.monitor_id = ? AND r.started_at >= ? "
                + "AND r.started_at <= ? AND s.server_version IS NOT NULL ORDER BY r.started_at", rs -> new VersionSeen(rs.getLong(1),
                        rs.getString(2)), monitorId, from, to)) {
            if (out.isEmpty() || !out.getLast().version().equals(v.version())) {
                out.add(v);
            }
        }
        return out;
    }

    /** When the monitor's last healthy probe before {@code before} started, or null (none within raw retention). */
    public Long lastHealthyBefore(Connection c, String monitorId, long before) throws SQLException {
        return Sql.one(c, "SELECT MAX(r.started_at) FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key "
                + "WHERE k.monitor_id = ? AND r.healthy = ? AND r.started_at < ?",
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
            filter = " AND k.monitor_id IN (" + Sql.marks(monitorIds.size()) + ")";
        }
        if (!timings) {
            return Sql.list(c, "SELECT k.monitor_id, r.started_at, r.healthy, r.reason, r.total_us FROM probe_results r "
                    + "JOIN monitor_keys k ON k.monitor_key = r.monitor_key WHERE r.started_at >= ? AND r.started_at < ?" + filter
                    + " ORDER BY k.monitor_id, r.started_at, r.id", rs -> new Measured(rs.getString(1), rs.getLong(2), rs.getBoolean(3),
                            rs.getString(4), ProbeTimes.millis(rs.getLong(5)), List.of()), args.toArray());
        }
        Map<Long, ObjectNode> shapes = new HashMap<>();
        return Sql.list(c, "SELECT k.monitor_id, r.started_at, r.healthy, r.reason, r.total_us, r.shape_id, r.timings, r.detail "
                + "FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key WHERE r.started_at >= ? AND r.started_at < ?"
                + filter + " ORDER BY k.monitor_id, r.started_at, r.id", rs -> {
                    JsonNode detail;
                    String full = rs.getString(8);
                    if (full != null) {
                        detail = Json.MAPPER.readTree(full);
                    } else {
                        long shapeId = rs.getLong(6);
                        ObjectNode shape = shapes.get(shapeId);
                        if (shape == null) {
                            String text = Sql.one(c, "SELECT detail FROM probe_shapes WHERE id = ?", r -> r.getString(1), shapeId);
                            shape = (ObjectNode) Json.MAPPER.readTree(text);
                            shapes.put(shapeId, shape);
                        }
                        detail = ProbeTimes.join(shape, rs.getLong(2), rs.getLong(5), rs.getBytes(7));
                    }
                    return new Measured(rs.getString(1), rs.getLong(2), rs.getBoolean(3), rs.getString(4), ProbeTimes.millis(rs.getLong(5)),
                            timings(detail));
                }, args.toArray());
    }

    private static List<PhaseTiming> timings(JsonNode detail) {
        List<PhaseTiming> out = new ArrayList<>();
        for (JsonNode t : detail.path("timings")) {
            out.add(PhaseTiming.network(Phase.fromWireName(t.path("phase").asString()), t.path("startMs").asDouble(),
                    t.path("durationMs").asDouble()));
        }
        return out;
    }

    public ResultRow get(Connection c, long id) throws SQLException {
        return Sql.one(c, SELECT + "WHERE r.id = ?", ResultStore::row, id);
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
        String full = rs.getString("detail");
        JsonNode detail = full != null ? Json.MAPPER.readTree(full)
                : ProbeTimes.join((ObjectNode) Json.MAPPER.readTree(rs.getString("shape")), rs.getLong("started_at"),
                        rs.getLong("total_us"), rs.getBytes("timings"));
        JsonNode failure = detail.path("failure");
        return new ResultRow(rs.getLong("id"), rs.getString("monitor_id"), rs.getLong("started_at"), rs.getString("location"),
                rs.getBoolean("healthy"), rs.getString("reason"), failure.path("layer").asString(null), failure.path("phase").asString(null),
                failure.path("message").asString(null), ProbeTimes.millis(rs.getLong("total_us")), rs.getString("era"),
                rs.getString("protocol_version"), rs.getString("server_name"), rs.getString("server_version"), Sql.intOrNull(rs, "tool_count"),
                Sql.longOrNull(rs, "tool_list_id"), Sql.longOrNull(rs, "tls_not_after"), detail);
    }
}
