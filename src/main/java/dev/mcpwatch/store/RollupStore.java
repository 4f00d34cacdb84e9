package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Minute, hour and day rollups of each monitor's probes: counts, failures by reason, a latency
 * sketch of the healthy probes' totals and per-phase sums. Every probe is added to its hour and day
 * buckets in the same transaction as the probe itself; any window is the merge of its buckets.
 *
 * <p>Minute buckets are not stored while raw results cover them: at a 60 s interval a minute row
 * would repeat its probe. They are computed from the raw results on reading, and stored only when
 * retention deletes raw results that minute rollups must outlive ({@link #keepMinutes}). Stored
 * minute rows end where the raw results take over (the {@linkplain #rawHorizon raw horizon}):
 * a minute before it is read from its row, a minute from it on from the raw results.
 */
public final class RollupStore {
    private final Dialect dialect;
    private static final ResultStore RESULTS = new ResultStore();

    public RollupStore(Dialect dialect) {
        this.dialect = dialect;
    }

    /** A window's merged figures. */
    public record Summary(long probes, long failures, Map<String, Long> failuresByReason, LatencySketch latency,
            Map<String, double[]> phases) {

        public Double availability() {
            return probes == 0 ? null : (double) (probes - failures) / probes;
        }

        /** Mean duration of each phase over the window, in ms. */
        public Map<String, Double> phaseMeans() {
            Map<String, Double> out = new TreeMap<>();
            phases.forEach((k, v) -> out.put(k, v[0] == 0 ? null : v[1] / v[0]));
            return out;
        }
    }

    /** One bucket, for charts. */
    public record Bucket(long start, long probes, long failures, Double p50, Double p95, Map<String, Double> phaseMeans) {}

    public void add(Connection c, String monitorId, ProbeResult r) throws SQLException {
        long at = r.startedAt().toEpochMilli();
        for (Resolution res : List.of(Resolution.HOUR, Resolution.DAY)) {
            long bucket = res.bucketStart(at);
            Row row = lock(c, monitorId, res, bucket);
            count(row, r.healthy(), r.healthy() ? null : r.failure().reason().wireName(), r.totalMs(), r.timings());
            save(c, monitorId, res, bucket, row);
        }
    }

    public Summary summary(Connection c, String monitorId, Resolution res, long from, long to) throws SQLException {
        long probes = 0;
        long failures = 0;
        Map<String, Long> byReason = new TreeMap<>();
        LatencySketch latency = new LatencySketch();
        Map<String, double[]> phases = new TreeMap<>();
        List<Row> rows = res == Resolution.MINUTE
                ? minutes(c, List.of(monitorId), res.bucketStart(from), to, true).stream().map(Minute::row).toList()
                : Sql.list(c, "SELECT probes, failures, failures_by_reason, latency, phases FROM rollups "
                        + "WHERE monitor_id = ? AND resolution = ? AND bucket_start >= ? AND bucket_start < ?", RollupStore::row, monitorId,
                        res.wireName(), res.bucketStart(from), to);
        for (Row bucket : rows) {
            probes += bucket.probes;
            failures += bucket.failures;
            bucket.byReason.forEach((k, v) -> byReason.merge(k, v, Long::sum));
            latency.merge(bucket.latency);
            bucket.phases.forEach((k, v) -> {
                double[] sum = phases.computeIfAbsent(k, x -> new double[2]);
                sum[0] += v[0];
                sum[1] += v[1];
            });
        }
        return new Summary(probes, failures, byReason, latency, phases);
    }

    /**
     * {@link #summary} for many monitors at once (one query), for pages that list them; monitors with
     * no buckets in the window are absent from the answer.
     */
    public Map<String, Summary> summaries(Connection c, List<String> monitorIds, Resolution res, long from, long to) throws SQLException {
        Map<String, Summary> out = new HashMap<>();
        if (monitorIds.isEmpty()) {
            return out;
        }
        List<Object> args = new ArrayList<>(monitorIds);
        args.addAll(List.of(res.wireName(), res.bucketStart(from), to));
        List<Map.Entry<String, Summary>> rows = res == Resolution.MINUTE
                ? minutes(c, monitorIds, res.bucketStart(from), to, false).stream()
                        .map(m -> Map.entry(m.monitorId(), new Summary(m.row().probes, m.row().failures, Map.of(), m.row().latency, Map.of())))
                        .toList()
                : Sql.list(c, "SELECT monitor_id, probes, failures, latency FROM rollups WHERE monitor_id IN ("
                        + Sql.marks(monitorIds.size()) + ") AND resolution = ? AND bucket_start >= ? AND bucket_start < ?",
                        rs -> Map.entry(rs.getString(1), new Summary(rs.getLong(2), rs.getLong(3), Map.of(),
                                LatencySketch.fromJson(rs.getString(4)), Map.of())), args.toArray());
        for (var bucket : rows) {
            out.merge(bucket.getKey(), bucket.getValue(), (a, b) -> {
                b.latency().merge(a.latency());
                return new Summary(a.probes() + b.probes(), a.failures() + b.failures(), Map.of(), b.latency(), Map.of());
            });
        }
        return out;
    }

    /** Probes and failures of a day bucket. */
    public record DayCount(long dayStart, long probes, long failures) {}

    /** The day buckets of many monitors in [{@code from}, {@code to}), by monitor, oldest first; no latency parsed. */
    public Map<String, List<DayCount>> dailyCounts(Connection c, List<String> monitorIds, long from, long to) throws SQLException {
        Map<String, List<DayCount>> out = new HashMap<>();
        if (monitorIds.isEmpty()) {
            return out;
        }
        List<Object> args = new ArrayList<>(monitorIds);
        args.addAll(List.of(Resolution.DAY.wireName(), Resolution.DAY.bucketStart(from), to));
        Sql.list(c, "SELECT monitor_id, bucket_start, probes, failures FROM rollups WHERE monitor_id IN (" + Sql.marks(monitorIds.size())
                + ") AND resolution = ? AND bucket_start >= ? AND bucket_start < ? "
                // Ordered as the primary key: ORDER BY bucket_start alone makes SQLite walk every monitor's days by age.
                + "ORDER BY monitor_id, bucket_start", rs -> Map.entry(rs.getString(1), new DayCount(rs.getLong(2), rs.getLong(3), rs.getLong(4))),
                args.toArray()).forEach(day -> out.computeIfAbsent(day.getKey(), k -> new ArrayList<>()).add(day.getValue()));
        return out;
    }

    public List<Bucket> buckets(Connection c, String monitorId, Resolution res, long from, long to) throws SQLException {
        if (res == Resolution.MINUTE) {
            return minutes(c, List.of(monitorId), res.bucketStart(from), to, true).stream().map(m -> {
                Map<String, Double> means = new TreeMap<>();
                m.row().phases.forEach((k, v) -> means.put(k, v[0] == 0 ? null : v[1] / v[0]));
                return new Bucket(m.bucket(), m.row().probes, m.row().failures, m.row().latency.quantile(0.5),
                        m.row().latency.quantile(0.95), means);
            }).toList();
        }
        return Sql.list(c, "SELECT bucket_start, probes, failures, latency, phases FROM rollups "
                + "WHERE monitor_id = ? AND resolution = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start", rs -> {
                    LatencySketch sketch = LatencySketch.fromJson(rs.getString(4));
                    Map<String, Double> means = new TreeMap<>();
                    readPhases(rs.getString(5)).forEach((k, v) -> means.put(k, v[0] == 0 ? null : v[1] / v[0]));
                    return new Bucket(rs.getLong(1), rs.getLong(2), rs.getLong(3), sketch.quantile(0.5), sketch.quantile(0.95), means);
                }, monitorId, res.wireName(), res.bucketStart(from), to);
    }

    /**
     * Deletes the oldest bucket of a resolution that is older than {@code cutoff} (one bucket of every
     * monitor, so a batch stays small); returns how many rows went, 0 when nothing is left to delete.
     */
    public int deleteOldestBucket(Connection c, Resolution res, long cutoff) throws SQLException {
        Long oldest = Sql.one(c, "SELECT MIN(bucket_start) AS oldest FROM rollups WHERE resolution = ? AND bucket_start < ?",
                rs -> Sql.longOrNull(rs, "oldest"), res.wireName(), cutoff);
        return oldest == null ? 0 : Sql.update(c, "DELETE FROM rollups WHERE resolution = ? AND bucket_start = ?", res.wireName(), oldest);
    }

    /** A minute bucket of a monitor, stored or computed from raw results. */
    record Minute(String monitorId, long bucket, Row row) {}

    /**
     * Where stored minute rows end and raw results take over: the end of the newest stored minute, or
     * {@link Long#MIN_VALUE} when none is stored (every minute is read from raw results).
     */
    static long rawHorizon(Connection c) throws SQLException {
        Long newest = Sql.one(c, "SELECT MAX(bucket_start) AS newest FROM rollups WHERE resolution = ?", rs -> Sql.longOrNull(rs, "newest"),
                Resolution.MINUTE.wireName());
        return newest == null ? Long.MIN_VALUE : newest + Resolution.MINUTE.millis();
    }

    /**
     * The minute buckets starting in [{@code from}, {@code to}) of these monitors (null: every monitor),
     * by monitor then time: stored rows before the raw horizon, raw results summed by minute from it on.
     * Phase sums only when {@code phases} (they cost a read of each probe's timings).
     */
    static List<Minute> minutes(Connection c, Collection<String> monitorIds, long from, long to, boolean phases) throws SQLException {
        List<Minute> out = new ArrayList<>();
        if (monitorIds != null && monitorIds.isEmpty()) {
            return out;
        }
        long horizon = rawHorizon(c);
        if (from < horizon) {
            List<Object> args = new ArrayList<>(List.of(Resolution.MINUTE.wireName(), from, Math.min(to, horizon)));
            String filter = "";
            if (monitorIds != null) {
                args.addAll(monitorIds);
                filter = " AND monitor_id IN (" + Sql.marks(monitorIds.size()) + ")";
            }
            out.addAll(Sql.list(c, "SELECT probes, failures, failures_by_reason, latency, phases, monitor_id, bucket_start FROM rollups "
                    + "WHERE resolution = ? AND bucket_start >= ? AND bucket_start < ?" + filter + " ORDER BY monitor_id, bucket_start",
                    rs -> new Minute(rs.getString(6), rs.getLong(7), row(rs)), args.toArray()));
        }
        long rawFrom = ceilMinute(Math.max(from, horizon));
        // a probe is in the bucket of the minute it started in: bucket_start < to when started_at < to rounded up to a minute
        long rawTo = ceilMinute(to);
        if (rawFrom < rawTo) {
            Minute current = null;
            for (ResultStore.Measured p : RESULTS.measured(c, monitorIds, rawFrom, rawTo, phases)) {
                long bucket = Resolution.MINUTE.bucketStart(p.startedAt());
                if (current == null || current.bucket() != bucket || !current.monitorId().equals(p.monitorId())) {
                    current = new Minute(p.monitorId(), bucket, new Row());
                    out.add(current);
                }
                count(current.row(), p.healthy(), p.reason(), p.totalMs(), p.timings());
            }
        }
        out.sort(Comparator.comparing(Minute::monitorId).thenComparingLong(Minute::bucket));
        return out;
    }

    /**
     * Stores the minute rollups of the raw results in [horizon, {@code before}) (before is a minute's
     * start), so that deleting those raw results loses no minute figures: for minute rollups kept longer
     * than raw results. Idempotent; returns how many rows it wrote.
     */
    public int keepMinutes(Connection c, long before) throws SQLException {
        long horizon = rawHorizon(c);
        Long oldest = RESULTS.oldestStart(c);
        if (oldest == null) {
            return 0;
        }
        long from = Math.max(horizon, Resolution.MINUTE.bucketStart(oldest));
        int written = 0;
        for (Minute m : minutes(c, null, from, before, true)) {
            Row row = m.row();
            row.exists = false;
            save(c, m.monitorId(), Resolution.MINUTE, m.bucket(), row);
            written++;
        }
        return written;
    }

    private static long ceilMinute(long t) {
        if (t == Long.MIN_VALUE || t > Long.MAX_VALUE - Resolution.MINUTE.millis()) {
            return t; // open ends of a window stay open
        }
        return -Math.floorDiv(-t, Resolution.MINUTE.millis()) * Resolution.MINUTE.millis();
    }

    /** Adds one probe to a bucket. */
    private static void count(Row row, boolean healthy, String reason, double totalMs, List<PhaseTiming> timings) {
        row.probes++;
        if (!healthy) {
            row.failures++;
            row.byReason.merge(reason, 1L, Long::sum);
        } else {
            row.latency.add(totalMs);
            for (PhaseTiming t : timings) {
                double[] sum = row.phases.computeIfAbsent(t.phase().wireName(), k -> new double[2]);
                sum[0]++;
                sum[1] += t.durationMs();
            }
        }
    }

    static final class Row {
        boolean exists;
        long probes;
        long failures;
        Map<String, Long> byReason = new TreeMap<>();
        LatencySketch latency = new LatencySketch();
        Map<String, double[]> phases = new TreeMap<>();
    }

    private Row lock(Connection c, String monitorId, Resolution res, long bucket) throws SQLException {
        Row row = Sql.one(c, "SELECT probes, failures, failures_by_reason, latency, phases FROM rollups "
                + "WHERE monitor_id = ? AND resolution = ? AND bucket_start = ?" + dialect.forUpdate(), RollupStore::row, monitorId,
                res.wireName(), bucket);
        return row == null ? new Row() : row;
    }

    /** A stored bucket (probes, failures, failures_by_reason, latency, phases, in that order). */
    private static Row row(ResultSet rs) throws SQLException {
        Row row = new Row();
        row.exists = true;
        row.probes = rs.getLong(1);
        row.failures = rs.getLong(2);
        row.byReason = readCounts(rs.getString(3));
        row.latency = LatencySketch.fromJson(rs.getString(4));
        row.phases = readPhases(rs.getString(5));
        return row;
    }

    private static void save(Connection c, String monitorId, Resolution res, long bucket, Row row) throws SQLException {
        String reasons = Json.MAPPER.writeValueAsString(row.byReason);
        ObjectNode phases = Json.object();
        row.phases.forEach((k, v) -> phases.putArray(k).add(v[0]).add(v[1]));
        String sql = row.exists
                ? "UPDATE rollups SET probes = ?, failures = ?, failures_by_reason = ?, latency = ?, phases = ? "
                        + "WHERE monitor_id = ? AND resolution = ? AND bucket_start = ?"
                : "INSERT INTO rollups (probes, failures, failures_by_reason, latency, phases, monitor_id, resolution, bucket_start) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        Sql.update(c, sql, row.probes, row.failures, reasons, row.latency.toJson(), phases.toString(), monitorId, res.wireName(), bucket);
    }

    private static Map<String, Long> readCounts(String json) {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : Json.MAPPER.readTree(json).properties()) {
            out.put(e.getKey(), e.getValue().asLong());
        }
        return out;
    }

    private static Map<String, double[]> readPhases(String json) {
        Map<String, double[]> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : Json.MAPPER.readTree(json).properties()) {
            out.put(e.getKey(), new double[] {e.getValue().get(0).asDouble(), e.getValue().get(1).asDouble()});
        }
        return out;
    }
}
