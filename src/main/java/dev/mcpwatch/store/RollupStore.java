package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Minute, hour and day rollups of each monitor's probes: counts, failures by reason, a latency
 * sketch of the healthy probes' totals and per-phase sums. Every probe is added to its three
 * buckets in the same transaction as the probe itself; any window is the merge of its buckets.
 */
public final class RollupStore {
    private final Dialect dialect;

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
        for (Resolution res : Resolution.values()) {
            long bucket = res.bucketStart(at);
            Row row = lock(c, monitorId, res, bucket);
            row.probes++;
            if (!r.healthy()) {
                row.failures++;
                row.byReason.merge(r.failure().reason().wireName(), 1L, Long::sum);
            } else {
                row.latency.add(r.totalMs());
                for (PhaseTiming t : r.timings()) {
                    double[] sum = row.phases.computeIfAbsent(t.phase().wireName(), k -> new double[2]);
                    sum[0]++;
                    sum[1] += t.durationMs();
                }
            }
            save(c, monitorId, res, bucket, row);
        }
    }

    public Summary summary(Connection c, String monitorId, Resolution res, long from, long to) throws SQLException {
        long probes = 0;
        long failures = 0;
        Map<String, Long> byReason = new TreeMap<>();
        LatencySketch latency = new LatencySketch();
        Map<String, double[]> phases = new TreeMap<>();
        for (Row bucket : Sql.list(c, "SELECT probes, failures, failures_by_reason, latency, phases FROM rollups "
                + "WHERE monitor_id = ? AND resolution = ? AND bucket_start >= ? AND bucket_start < ?", RollupStore::row, monitorId,
                res.wireName(), res.bucketStart(from), to)) {
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
        for (var bucket : Sql.list(c, "SELECT monitor_id, probes, failures, latency FROM rollups WHERE monitor_id IN ("
                + Sql.marks(monitorIds.size()) + ") AND resolution = ? AND bucket_start >= ? AND bucket_start < ?",
                rs -> Map.entry(rs.getString(1), new Summary(rs.getLong(2), rs.getLong(3), Map.of(), LatencySketch.fromJson(rs.getString(4)),
                        Map.of())), args.toArray())) {
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

    private static final class Row {
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
