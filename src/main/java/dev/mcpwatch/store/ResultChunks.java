package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Packs a monitor's healthy probes of a closed {@linkplain #SPAN span} (20 minutes) into one
 * {@code probe_chunks} row ({@link ProbeChunk}) and deletes their rows, in one transaction: a probe is
 * a row or in a chunk, never both once it commits. Idempotent: a second pass over the same span finds
 * no rows left; a probe that arrives for a span already packed is merged into its chunk on the next
 * pass (and read beside it until then). Two compactions of one span cannot both insert its chunk (a
 * unique index on monitor and span) nor both extend it (the chunk is locked, or changed only if it is
 * as read).
 *
 * <p>A monitor's latest result stays a row even when its span has closed (a paused monitor's): the
 * dashboard reads it by id from {@code monitor_state}, and a row is a primary-key read. It is packed
 * once a newer probe takes its place.
 */
public final class ResultChunks {
    /**
     * The time one chunk covers. An hour's chunk of a monitor probed every 60 s is about 2.6 KB, and
     * SQLite fits only one such row on a 4 KiB page (69 bytes a probe on disk for 44 packed); a third
     * of it fits four to a page. Shorter spans would add a row's own bytes and index entries per chunk.
     */
    public static final long SPAN = Duration.ofMinutes(20).toMillis();
    /** Rows deleted by one statement (bounded lists of ids). */
    private static final int DELETE_BATCH = 500;

    /** The start of the span {@code at} falls in. */
    public static long spanStart(long at) {
        return Math.floorDiv(at, SPAN) * SPAN;
    }

    /** A monitor's span with healthy rows to pack. */
    public record MonitorSpan(long monitorKey, long spanStart) {}

    private final Dialect dialect;

    public ResultChunks(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Up to {@code limit} monitor-spans ending by {@code before} (a span's start) that have healthy rows to pack, oldest first. */
    public List<MonitorSpan> closedSpans(Connection c, long before, int limit) throws SQLException {
        return Sql.list(c, "SELECT monitor_key, started_at / " + SPAN + " AS span FROM probe_results WHERE healthy = ? AND detail IS NULL "
                + "AND timings IS NOT NULL AND started_at < ? AND id NOT IN (SELECT last_result_id FROM monitor_state "
                + "WHERE last_result_id IS NOT NULL) GROUP BY monitor_key, started_at / " + SPAN + " ORDER BY span, monitor_key LIMIT ?",
                rs -> new MonitorSpan(rs.getLong(1), rs.getLong(2) * SPAN), true, before, limit);
    }

    /** Packs the span's healthy rows into its chunk (with what the chunk held); returns how many rows it packed. */
    public int compact(Connection c, MonitorSpan h) throws SQLException {
        Stored chunk = Sql.one(c, Stored.SELECT + "WHERE monitor_key = ? AND span_start = ?" + dialect.forUpdate(), Stored::read,
                h.monitorKey(), h.spanStart());
        List<ProbeChunk.Probe> found = Sql.list(c, "SELECT id, started_at, total_us, shape_id, timings FROM probe_results "
                + "WHERE monitor_key = ? AND healthy = ? AND detail IS NULL AND timings IS NOT NULL AND started_at >= ? AND started_at < ? "
                + "AND id NOT IN (SELECT s.last_result_id FROM monitor_state s JOIN monitor_keys k ON k.monitor_id = s.monitor_id "
                + "WHERE k.monitor_key = ? AND s.last_result_id IS NOT NULL) ORDER BY id",
                rs -> new ProbeChunk.Probe(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getBytes(5)), h.monitorKey(), true,
                h.spanStart(), h.spanStart() + SPAN, h.monitorKey());
        if (found.isEmpty()) {
            return 0;
        }
        Map<Long, ProbeTimes.Layout> layouts = new HashMap<>();
        List<ProbeChunk.Probe> rows = new ArrayList<>(found.size());
        for (ProbeChunk.Probe p : found) {
            ProbeTimes.Layout layout = layouts.get(p.shapeId());
            if (layout == null) {
                String shape = Sql.one(c, "SELECT detail FROM probe_shapes WHERE id = ?", rs -> rs.getString(1), p.shapeId());
                layout = ProbeTimes.Layout.of(Json.MAPPER.readTree(shape));
                layouts.put(p.shapeId(), layout);
            }
            rows.add(layout.pack(p));
        }
        List<ProbeChunk.Probe> probes = new ArrayList<>(chunk == null ? List.of() : chunk.decode());
        Set<Long> packed = new HashSet<>();
        probes.forEach(p -> packed.add(p.id()));
        rows.stream().filter(p -> packed.add(p.id())).forEach(probes::add);
        probes.sort(Comparator.comparingLong(ProbeChunk.Probe::id));
        if (chunk == null) {
            insert(c, h, probes);
        } else if (!chunk.replace(c, probes)) {
            throw new SQLException("the chunk of monitor " + h.monitorKey() + " for the span from " + h.spanStart() + " changed while it was packed");
        }
        List<Long> ids = rows.stream().map(ProbeChunk.Probe::id).toList();
        for (int from = 0; from < ids.size(); from += DELETE_BATCH) {
            List<Long> part = ids.subList(from, Math.min(ids.size(), from + DELETE_BATCH));
            // the span's bounds let PostgreSQL look in the one partition of its day, not in each
            List<Object> args = new ArrayList<>(part);
            args.addAll(List.of(h.spanStart(), h.spanStart() + SPAN));
            Sql.update(c, "DELETE FROM probe_results WHERE id IN (" + Sql.marks(part.size()) + ") AND started_at >= ? AND started_at < ?",
                    args.toArray());
        }
        return rows.size();
    }

    /**
     * Drops from up to {@code limit} chunks the probes started before {@code cutoff} (chunks of the
     * span the cutoff falls in; older ones are deleted whole); returns how many chunks changed.
     */
    static int trim(Connection c, long cutoff, int limit) throws SQLException {
        int changed = 0;
        for (Stored chunk : Sql.list(c, Stored.SELECT + "WHERE span_start < ? AND first_at < ? ORDER BY span_start LIMIT ?", Stored::read,
                cutoff, cutoff, limit)) {
            List<ProbeChunk.Probe> kept = chunk.decode().stream().filter(p -> p.startedAt() >= cutoff).toList();
            if (kept.isEmpty()) {
                changed += Sql.update(c, "DELETE FROM probe_chunks WHERE id = ? AND span_start = ?" + Stored.AS_READ, chunk.id(),
                        chunk.spanStart(), chunk.count(), chunk.firstAt(), chunk.lastId());
            } else if (chunk.replace(c, kept)) {
                changed++;
            }
        }
        return changed;
    }

    private static void insert(Connection c, MonitorSpan h, List<ProbeChunk.Probe> probes) throws SQLException {
        Sql.update(c, "INSERT INTO probe_chunks (monitor_key, span_start, first_at, first_id, last_id, probes, packed) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", h.monitorKey(), h.spanStart(), earliest(probes), probes.getFirst().id(), probes.getLast().id(),
                probes.size(), ProbeChunk.encode(probes.getFirst().id(), h.spanStart(), probes));
    }

    private static long earliest(List<ProbeChunk.Probe> probes) {
        return probes.stream().mapToLong(ProbeChunk.Probe::startedAt).min().orElseThrow();
    }

    /** A chunk as read. */
    private record Stored(long id, long monitorKey, long spanStart, long firstId, long firstAt, long lastId, int count, byte[] packed) {
        static final String SELECT = "SELECT id, monitor_key, span_start, first_id, first_at, last_id, probes, packed FROM probe_chunks ";
        /** The condition that the chunk is still as read (compaction only adds probes, retention only drops the oldest). */
        static final String AS_READ = " AND probes = ? AND first_at = ? AND last_id = ?";

        static Stored read(ResultSet rs) throws SQLException {
            return new Stored(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getInt(7),
                    rs.getBytes(8));
        }

        List<ProbeChunk.Probe> decode() {
            return ProbeChunk.decode(firstId, spanStart, packed);
        }

        /** Replaces the chunk's probes if it is still as read; false when another writer changed it meanwhile. */
        boolean replace(Connection c, List<ProbeChunk.Probe> probes) throws SQLException {
            return Sql.update(c, "UPDATE probe_chunks SET first_at = ?, first_id = ?, last_id = ?, probes = ?, packed = ? WHERE id = ? "
                    + "AND span_start = ?" + AS_READ, earliest(probes), probes.getFirst().id(), probes.getLast().id(), probes.size(),
                    ProbeChunk.encode(probes.getFirst().id(), spanStart, probes), id, spanStart, count, firstAt, lastId) == 1;
        }
    }
}
