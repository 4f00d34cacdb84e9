package dev.mcpwatch.store;

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

/**
 * Minute, hour and day rollups of each monitor's probes: counts, failures by reason, a latency
 * sketch of the healthy probes' totals and per-phase sums (counts in columns, the rest packed in one,
 * {@link PackedRollup}). Every probe is added to its hour and day buckets in the same transaction as
 * the probe itself; any window is the merge of its buckets.
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
        long hour = Resolution.HOUR.bucketStart(at);
        long day = Resolution.DAY.bucketStart(at);
        Row[] rows = lock(c, monitorId, hour, day);
        for (int i = 0; i < 2; i++) {
            count(rows[i], r.healthy(), r.healthy() ? null : r.failure().reason().wireName(), r.totalMs(), r.timings());
            save(c, monitorId, i == 0 ? Resolution.HOUR : Resolution.DAY, i == 0 ? hour : day, rows[i]);
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
                : Sql.list(c, "SELECT probes, failures, figures FROM rollups "
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
                : Sql.list(c, "SELECT monitor_id, probes, failures, figures FROM rollups WHERE monitor_id IN ("
                        + Sql.marks(monitorIds.size()) + ") AND resolution = ? AND bucket_start >= ? AND bucket_start < ?",
                        rs -> Map.entry(rs.getString(1), new Summary(rs.getLong(2), rs.getLong(3), Map.of(),
                                PackedRollup.latency(rs.getBytes(4)), Map.of())), args.toArray());
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
        return Sql.list(c, "SELECT bucket_start, probes, failures, figures FROM rollups "
                + "WHERE monitor_id = ? AND resolution = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start", rs -> {
                    PackedRollup.Figures figures = PackedRollup.unpack(rs.getBytes(4));
                    LatencySketch sketch = figures.latency();
                    Map<String, Double> means = new TreeMap<>();
                    figures.phases().forEach((k, v) -> means.put(k, v[0] == 0 ? null : v[1] / v[0]));
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
            out.addAll(Sql.list(c, "SELECT probes, failures, figures, monitor_id, bucket_start FROM rollups "
                    + "WHERE resolution = ? AND bucket_start >= ? AND bucket_start < ?" + filter + " ORDER BY monitor_id, bucket_start",
                    rs -> new Minute(rs.getString(4), rs.getLong(5), row(rs)), args.toArray()));
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

    /**
     * The hour and day rows a probe adds to (new rows where none is stored), read and locked by one
     * query: a statement less per probe. The query may also meet the day's first hour row, which is
     * locked with them (the monitor's probes are written one at a time anyway) but not read.
     */
    private Row[] lock(Connection c, String monitorId, long hour, long day) throws SQLException {
        Row[] rows = {null, null};
        Sql.list(c, "SELECT probes, failures, figures, resolution, bucket_start FROM rollups "
                + "WHERE monitor_id = ? AND resolution IN (?, ?) AND bucket_start IN (?, ?)" + dialect.forUpdate(), rs -> {
                    String res = rs.getString(4);
                    long bucket = rs.getLong(5);
                    if (res.equals(Resolution.HOUR.wireName()) && bucket == hour) {
                        rows[0] = row(rs);
                    } else if (res.equals(Resolution.DAY.wireName()) && bucket == day) {
                        rows[1] = row(rs);
                    }
                    return null;
                }, monitorId, Resolution.HOUR.wireName(), Resolution.DAY.wireName(), hour, day);
        for (int i = 0; i < 2; i++) {
            if (rows[i] == null) {
                rows[i] = new Row();
            }
        }
        return rows;
    }

    /** A stored bucket (probes, failures, figures, in that order). */
    private static Row row(ResultSet rs) throws SQLException {
        Row row = new Row();
        row.exists = true;
        row.probes = rs.getLong(1);
        row.failures = rs.getLong(2);
        PackedRollup.Figures figures = PackedRollup.unpack(rs.getBytes(3));
        row.byReason = figures.failuresByReason();
        row.latency = figures.latency();
        row.phases = figures.phases();
        return row;
    }

    private static void save(Connection c, String monitorId, Resolution res, long bucket, Row row) throws SQLException {
        String sql = row.exists
                ? "UPDATE rollups SET probes = ?, failures = ?, figures = ? WHERE monitor_id = ? AND resolution = ? AND bucket_start = ?"
                : "INSERT INTO rollups (probes, failures, figures, monitor_id, resolution, bucket_start) VALUES (?, ?, ?, ?, ?, ?)";
        Sql.update(c, sql, row.probes, row.failures, PackedRollup.pack(row.byReason, row.latency, row.phases), monitorId, res.wireName(),
                bucket);
    }
}
