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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>Once a span (20 minutes) has closed, its healthy probes leave their rows for one chunk per monitor
 * ({@link ResultChunks}, {@link ProbeChunk}). Every reader here reads rows and chunks together and
 * answers as if every probe were a row; a probe seen in both (a compaction committing between the
 * two queries) counts once.
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
        return Sql.keyOf(c, "monitor_keys", "monitor_key", "monitor_id", monitorId);
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
    private static final String CHUNKS = "SELECT k.monitor_id, c.span_start, c.first_id, c.packed FROM probe_chunks c "
            + "JOIN monitor_keys k ON k.monitor_key = c.monitor_key ";
    private static final long SPAN = ResultChunks.SPAN;
    /** Chunks read at a time by a reader that walks back span by span and stops when it has its answer. */
    private static final int CHUNK_BATCH = 6;

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
        List<Found> found = new ArrayList<>();
        for (ResultRow row : Sql.list(c, SELECT + "WHERE k.monitor_id = ? AND r.started_at >= ? AND r.started_at < ?" + cursor
                + " ORDER BY r.started_at DESC, r.id DESC LIMIT ?", ResultStore::row, args.toArray())) {
            found.add(new Found(row.id(), row.startedAt(), row.monitorId(), row, null));
        }
        // the healthy probes of closed spans, from their chunks: span by span back from the top until the page is full
        long top = beforeStartedAt == null ? to : Math.min(to, beforeStartedAt + 1);
        Comparator<Found> newestFirst = Comparator.comparingLong(Found::startedAt).thenComparingLong(Found::id).reversed();
        while (true) {
            List<Chunk> batch = Sql.list(c, CHUNKS + "WHERE k.monitor_id = ? AND c.span_start > ? AND c.span_start < ? "
                    + "ORDER BY c.span_start DESC LIMIT ?", ResultStore::chunk, monitorId, spanBefore(from), top, CHUNK_BATCH);
            for (Chunk chunk : batch) {
                for (ProbeChunk.Probe p : chunk.probes()) {
                    boolean afterCursor = beforeStartedAt == null || p.startedAt() < beforeStartedAt
                            || p.startedAt() == beforeStartedAt && p.id() < beforeId;
                    if (p.startedAt() >= from && p.startedAt() < to && afterCursor) {
                        found.add(new Found(p.id(), p.startedAt(), chunk.monitorId(), null, p));
                    }
                }
            }
            found = distinct(found, newestFirst, limit);
            if (batch.size() < CHUNK_BATCH) {
                break;
            }
            top = batch.getLast().spanStart();
            if (found.size() == limit && found.getLast().startedAt() >= top) {
                break; // every chunk left is older than the page's last result
            }
        }
        return rows(c, found);
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
        Shapes shapes = new Shapes(c);
        List<VersionSeen> out = new ArrayList<>();
        VersionSeen before = Sql.one(c, "SELECT r.started_at, s.server_version FROM probe_results r JOIN monitor_keys k ON k.monitor_key = "
                + "r.monitor_key JOIN probe_shapes s ON s.id = r.shape_id WHERE k.monitor_id = ? AND r.started_at < ? "
                + "AND s.server_version IS NOT NULL ORDER BY r.started_at DESC LIMIT 1", rs -> new VersionSeen(rs.getLong(1), rs.getString(2)),
                monitorId, from);
        VersionSeen packedBefore = newestInChunks(c, monitorId, from, before == null ? null : before.at(), chunk -> {
            VersionSeen newest = null;
            for (ProbeChunk.Probe p : chunk.probes()) {
                String version = shapes.get(p.shapeId()).serverVersion();
                if (p.startedAt() < from && version != null && (newest == null || p.startedAt() > newest.at())) {
                    newest = new VersionSeen(p.startedAt(), version);
                }
            }
            return newest;
        });
        if (packedBefore != null && (before == null || packedBefore.at() > before.at())) {
            before = packedBefore;
        }
        if (before != null) {
            out.add(before);
        }
        Map<Long, VersionSeen> seen = new HashMap<>();
        for (var v : Sql.list(c, "SELECT r.id, r.started_at, s.server_version FROM probe_results r JOIN monitor_keys k ON k.monitor_key = "
                + "r.monitor_key JOIN probe_shapes s ON s.id = r.shape_id WHERE k.monitor_id = ? AND r.started_at >= ? "
                + "AND r.started_at <= ? AND s.server_version IS NOT NULL", rs -> Map.entry(rs.getLong(1), new VersionSeen(rs.getLong(2),
                        rs.getString(3))), monitorId, from, to)) {
            seen.put(v.getKey(), v.getValue());
        }
        for (Chunk chunk : Sql.list(c, CHUNKS + "WHERE k.monitor_id = ? AND c.span_start > ? AND c.span_start <= ?", ResultStore::chunk,
                monitorId, spanBefore(from), to)) {
            for (ProbeChunk.Probe p : chunk.probes()) {
                String version = shapes.get(p.shapeId()).serverVersion();
                if (p.startedAt() >= from && p.startedAt() <= to && version != null) {
                    seen.putIfAbsent(p.id(), new VersionSeen(p.startedAt(), version));
                }
            }
        }
        List<Long> ids = new ArrayList<>(seen.keySet());
        ids.sort(Comparator.<Long>comparingLong(id -> seen.get(id).at()).thenComparingLong(id -> id));
        for (long id : ids) {
            VersionSeen v = seen.get(id);
            if (out.isEmpty() || !out.getLast().version().equals(v.version())) {
                out.add(v);
            }
        }
        return out;
    }

    /** When the monitor's last healthy probe before {@code before} started, or null (none within raw retention). */
    public Long lastHealthyBefore(Connection c, String monitorId, long before) throws SQLException {
        Long row = Sql.one(c, "SELECT MAX(r.started_at) FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key "
                + "WHERE k.monitor_id = ? AND r.healthy = ? AND r.started_at < ?",
                rs -> {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? null : v;
                }, monitorId, true, before);
        Long packed = newestInChunks(c, monitorId, before, row, chunk -> chunk.probes().stream().mapToLong(ProbeChunk.Probe::startedAt)
                .filter(at -> at < before).boxed().max(Long::compare).orElse(null));
        return packed != null && (row == null || packed > row) ? packed : row;
    }

    /**
     * The first answer {@code look} finds in the monitor's chunks of spans that start before
     * {@code before} (and end after {@code after}, when given), newest span first.
     */
    private static <T> T newestInChunks(Connection c, String monitorId, long before, Long after, ChunkLook<T> look) throws SQLException {
        long top = before;
        long bottom = after == null ? Long.MIN_VALUE : spanBefore(after);
        while (true) {
            List<Chunk> batch = Sql.list(c, CHUNKS + "WHERE k.monitor_id = ? AND c.span_start < ? AND c.span_start > ? "
                    + "ORDER BY c.span_start DESC LIMIT ?", ResultStore::chunk, monitorId, top, bottom, CHUNK_BATCH);
            for (Chunk chunk : batch) {
                T answer = look.in(chunk);
                if (answer != null) {
                    return answer;
                }
            }
            if (batch.size() < CHUNK_BATCH) {
                return null;
            }
            top = batch.getLast().spanStart();
        }
    }

    @FunctionalInterface
    private interface ChunkLook<T> {
        T in(Chunk chunk) throws SQLException;
    }

    /** What rollups need of a probe: when, where from, its outcome, its total and (when asked for) its phase timings. */
    public record Measured(String monitorId, String location, long startedAt, boolean healthy, String reason, double totalMs,
            List<PhaseTiming> timings) {}

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
        Shapes shapes = new Shapes(c);
        Map<Long, Measured> byId = new HashMap<>();
        if (!timings) {
            for (var m : Sql.list(c, "SELECT r.id, k.monitor_id, r.started_at, r.healthy, r.reason, r.total_us, r.shape_id FROM probe_results r "
                    + "JOIN monitor_keys k ON k.monitor_key = r.monitor_key WHERE r.started_at >= ? AND r.started_at < ?" + filter, rs ->
                    Map.entry(rs.getLong(1), new Measured(rs.getString(2), shapes.get(rs.getLong(7)).location(), rs.getLong(3),
                            rs.getBoolean(4), rs.getString(5), ProbeTimes.millis(rs.getLong(6)), List.of())), args.toArray())) {
                byId.put(m.getKey(), m.getValue());
            }
        } else {
            for (var m : Sql.list(c, "SELECT r.id, k.monitor_id, r.started_at, r.healthy, r.reason, r.total_us, r.shape_id, r.timings, r.detail "
                    + "FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key WHERE r.started_at >= ? AND r.started_at < ?"
                    + filter, rs -> {
                        String full = rs.getString(9);
                        JsonNode detail = full != null ? Json.MAPPER.readTree(full)
                                : ProbeTimes.join(shapes.get(rs.getLong(7)).detail(), rs.getLong(3), rs.getLong(6), rs.getBytes(8));
                        return Map.entry(rs.getLong(1), new Measured(rs.getString(2), shapes.get(rs.getLong(7)).location(), rs.getLong(3),
                                rs.getBoolean(4), rs.getString(5), ProbeTimes.millis(rs.getLong(6)), timings(detail)));
                    }, args.toArray())) {
                byId.put(m.getKey(), m.getValue());
            }
        }
        List<Object> chunkArgs = new ArrayList<>(List.of(spanBefore(from), to));
        if (monitorIds != null) {
            chunkArgs.addAll(monitorIds);
        }
        for (Chunk chunk : Sql.list(c, CHUNKS + "WHERE c.span_start > ? AND c.span_start < ?" + filter, ResultStore::chunk,
                chunkArgs.toArray())) {
            for (ProbeChunk.Probe p : chunk.probes()) {
                if (p.startedAt() >= from && p.startedAt() < to && !byId.containsKey(p.id())) {
                    Shape shape = shapes.get(p.shapeId());
                    ProbeChunk.Probe probe = shape.layout().unpack(p);
                    List<PhaseTiming> phases = timings
                            ? timings(ProbeTimes.join(shape.detail(), probe.startedAt(), probe.totalUs(), probe.times()))
                            : List.of();
                    byId.put(p.id(), new Measured(chunk.monitorId(), shape.location(), p.startedAt(), true, null,
                            ProbeTimes.millis(probe.totalUs()), phases));
                }
            }
        }
        List<Long> order = new ArrayList<>(byId.keySet());
        order.sort(Comparator.<Long, String>comparing(id -> byId.get(id).monitorId()).thenComparingLong(id -> byId.get(id).startedAt())
                .thenComparingLong(id -> id));
        List<Measured> out = new ArrayList<>(order.size());
        order.forEach(id -> out.add(byId.get(id)));
        return out;
    }

    private static List<PhaseTiming> timings(JsonNode detail) {
        List<PhaseTiming> out = new ArrayList<>();
        for (JsonNode t : detail.path("timings")) {
            out.add(PhaseTiming.network(Phase.fromWireName(t.path("phase").asString()), t.path("startMs").asDouble(),
                    t.path("durationMs").asDouble()));
        }
        return out;
    }

    /** One result by id: its row, or (a healthy probe of a closed span) its place in a chunk. */
    public ResultRow get(Connection c, long id) throws SQLException {
        ResultRow row = Sql.one(c, SELECT + "WHERE r.id = ?", ResultStore::row, id);
        if (row != null) {
            return row;
        }
        // Rare: the dashboard's last probe stays a row (compaction leaves it), so this scans only the chunks whose ids span it.
        for (Chunk chunk : Sql.list(c, CHUNKS + "WHERE c.first_id <= ? AND c.last_id >= ?", ResultStore::chunk, id, id)) {
            for (ProbeChunk.Probe p : chunk.probes()) {
                if (p.id() == id) {
                    return packedRow(chunk.monitorId(), p, new Shapes(c).get(p.shapeId()));
                }
            }
        }
        return null;
    }

    /**
     * Deletes up to {@code batch} results older than {@code cutoff}: rows, chunks of spans that ended
     * by then, and the probes before it in the chunk of the span it falls in. Returns how many rows
     * went or changed (a chunk counts one).
     */
    public int deleteOlderThan(Connection c, long cutoff, int batch) throws SQLException {
        // the time bound on the outer DELETE too: on PostgreSQL it then looks only in the partitions before the cutoff
        int n = Sql.update(c, "DELETE FROM probe_results WHERE started_at < ? AND id IN (SELECT id FROM probe_results "
                + "WHERE started_at < ? ORDER BY started_at LIMIT ?)", cutoff, cutoff, batch);
        if (n < batch) {
            n += Sql.update(c, "DELETE FROM probe_chunks WHERE span_start <= ? AND id IN (SELECT id FROM probe_chunks "
                    + "WHERE span_start <= ? ORDER BY span_start LIMIT ?)", cutoff - SPAN, cutoff - SPAN, batch - n);
        }
        if (n < batch) {
            n += ResultChunks.trim(c, cutoff, batch - n);
        }
        return n;
    }

    /** How many results are stored, packed ones included. */
    public long count(Connection c) throws SQLException {
        // one statement, so that a compaction committing meanwhile counts its probes once
        return Sql.one(c, "SELECT (SELECT COUNT(*) FROM probe_results) + (SELECT COALESCE(SUM(probes), 0) FROM probe_chunks)",
                rs -> rs.getLong(1));
    }

    /** When the oldest stored result started, or null when there is none. */
    public Long oldestStart(Connection c) throws SQLException {
        Long row = Sql.one(c, "SELECT MIN(started_at) AS oldest FROM probe_results", rs -> Sql.longOrNull(rs, "oldest"));
        Long packed = Sql.one(c, "SELECT MIN(first_at) AS oldest FROM probe_chunks WHERE span_start = (SELECT MIN(span_start) FROM probe_chunks)",
                rs -> Sql.longOrNull(rs, "oldest"));
        return row == null ? packed : packed == null ? row : Long.valueOf(Math.min(row, packed));
    }

    /** A result found in a row ({@code row}) or a chunk ({@code packed}), to be ordered by start and id. */
    private record Found(long id, long startedAt, String monitorId, ResultRow row, ProbeChunk.Probe packed) {}

    /** A monitor's chunk of a span, decoded (totals and times still as packed: {@link Shape#layout} unpacks them). */
    private record Chunk(String monitorId, long spanStart, List<ProbeChunk.Probe> probes) {}

    private static Chunk chunk(ResultSet rs) throws SQLException {
        long span = rs.getLong(2);
        return new Chunk(rs.getString(1), span, ProbeChunk.decode(rs.getLong(3), span, rs.getBytes(4)));
    }

    /**
     * Sorted, each id once (a compaction that commits between reading rows and reading chunks shows
     * a probe in both), at most {@code limit}.
     */
    private static List<Found> distinct(List<Found> found, Comparator<Found> order, int limit) {
        List<Found> sorted = new ArrayList<>(found);
        sorted.sort(order);
        List<Found> out = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        for (Found f : sorted) {
            if (out.size() == limit) {
                break;
            }
            if (ids.add(f.id())) {
                out.add(f);
            }
        }
        return out;
    }

    private static List<ResultRow> rows(Connection c, List<Found> found) throws SQLException {
        Shapes shapes = new Shapes(c);
        List<ResultRow> out = new ArrayList<>(found.size());
        for (Found f : found) {
            out.add(f.row() != null ? f.row() : packedRow(f.monitorId(), f.packed(), shapes.get(f.packed().shapeId())));
        }
        return out;
    }

    /** The span-aligned lower bound below which no chunk holds a probe started at or after {@code at}. */
    private static long spanBefore(long at) {
        return at < Long.MIN_VALUE + SPAN ? Long.MIN_VALUE : at - SPAN;
    }

    /** A shape's columns, stable detail and how its times are packed. */
    private record Shape(String location, String era, String protocolVersion, String serverName, String serverVersion, Integer toolCount,
            Long toolListId, Long tlsNotAfter, ObjectNode detail, ProbeTimes.Layout layout) {}

    /** The shapes a read needs, each read once. */
    private static final class Shapes {
        private final Connection c;
        private final Map<Long, Shape> byId = new HashMap<>();

        Shapes(Connection c) {
            this.c = c;
        }

        Shape get(long id) throws SQLException {
            Shape shape = byId.get(id);
            if (shape == null) {
                shape = Sql.one(c, "SELECT location, era, protocol_version, server_name, server_version, tool_count, tool_list_id, "
                        + "tls_not_after, detail FROM probe_shapes WHERE id = ?", rs -> {
                            ObjectNode detail = (ObjectNode) Json.MAPPER.readTree(rs.getString(9));
                            return new Shape(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                    Sql.intOrNull(rs, "tool_count"), Sql.longOrNull(rs, "tool_list_id"), Sql.longOrNull(rs, "tls_not_after"),
                                    detail, ProbeTimes.Layout.of(detail));
                        }, id);
                if (shape == null) {
                    throw new SQLException("probe shape " + id + " is missing");
                }
                byId.put(id, shape);
            }
            return shape;
        }
    }

    /** A packed healthy probe as its row would have read. */
    private static ResultRow packedRow(String monitorId, ProbeChunk.Probe packed, Shape s) {
        ProbeChunk.Probe p = s.layout().unpack(packed);
        JsonNode detail = ProbeTimes.join(s.detail(), p.startedAt(), p.totalUs(), p.times());
        JsonNode failure = detail.path("failure");
        return new ResultRow(p.id(), monitorId, p.startedAt(), s.location(), true, null, failure.path("layer").asString(null),
                failure.path("phase").asString(null), failure.path("message").asString(null), ProbeTimes.millis(p.totalUs()), s.era(),
                s.protocolVersion(), s.serverName(), s.serverVersion(), s.toolCount(), s.toolListId(), s.tlsNotAfter(), detail);
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
