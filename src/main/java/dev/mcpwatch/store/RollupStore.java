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
 * <p>Each location that probes a monitor has its own rows (keyed by the monitor's and the
 * location's integer keys, one table per resolution: V18). Every reader merges the rows of all
 * locations — counts add, sketches merge bucket-wise, so the figures are those one row of all the
 * probes would give — unless it is given a location, whose rows alone it then reads. An install with
 * one location has one row per monitor and bucket.
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

    /** The table of a resolution's rows. */
    private static String table(Resolution res) {
        return switch (res) {
            case MINUTE -> "rollup_minutes";
            case HOUR -> "rollup_hours";
            case DAY -> "rollup_days";
        };
    }

    /** Adds a probe that {@code location} made to its monitor's hour and day rows of that location. */
    public void add(Connection c, String monitorId, String location, ProbeResult r) throws SQLException {
        long at = r.startedAt().toEpochMilli();
        long monitorKey = ResultStore.monitorKey(c, monitorId);
        int locationKey = locationKey(c, location);
        for (Resolution res : List.of(Resolution.HOUR, Resolution.DAY)) {
            long bucket = res.bucketStart(at);
            Row row = lock(c, res, monitorKey, locationKey, bucket);
            count(row, r.healthy(), r.healthy() ? null : r.failure().reason().wireName(), r.totalMs(), r.timings());
            save(c, res, monitorKey, locationKey, bucket, row);
        }
    }

    /** The integer key of a location's name, given it on first use. */
    static int locationKey(Connection c, String location) throws SQLException {
        return Math.toIntExact(Sql.keyOf(c, "location_keys", "location_key", "name", location));
    }

    /** A window's figures of every location merged. */
    public Summary summary(Connection c, String monitorId, Resolution res, long from, long to) throws SQLException {
        return summary(c, monitorId, null, res, from, to);
    }

    /** A window's figures of {@code location}'s probes, or of every location merged when it is null. */
    public Summary summary(Connection c, String monitorId, String location, Resolution res, long from, long to) throws SQLException {
        long probes = 0;
        long failures = 0;
        Map<String, Long> byReason = new TreeMap<>();
        LatencySketch latency = new LatencySketch();
        Map<String, double[]> phases = new TreeMap<>();
        List<Row> rows = res == Resolution.MINUTE
                ? minutes(c, List.of(monitorId), location, res.bucketStart(from), to, true).stream().map(Minute::row).toList()
                : Sql.list(c, "SELECT probes, failures, figures FROM " + table(res) + " WHERE monitor_key = " + MONITOR
                        + " AND bucket_start >= ? AND bucket_start < ?" + (location == null ? "" : " AND location_key = " + LOCATION),
                        RollupStore::row, args(monitorId, res.bucketStart(from), to, location));
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

    /** A monitor's key by its id, in a query. */
    private static final String MONITOR = "(SELECT monitor_key FROM monitor_keys WHERE monitor_id = ?)";
    /** A location's key by its name, in a query (null, so no row, for a name never stored). */
    private static final String LOCATION = "(SELECT location_key FROM location_keys WHERE name = ?)";

    private static Object[] args(String monitorId, long from, long to, String location) {
        return location == null ? new Object[] {monitorId, from, to} : new Object[] {monitorId, from, to, location};
    }

    /**
     * {@link #summary} for many monitors at once (one query), every location merged, for pages that
     * list them; monitors with no buckets in the window are absent from the answer.
     */
    public Map<String, Summary> summaries(Connection c, List<String> monitorIds, Resolution res, long from, long to) throws SQLException {
        Map<String, Summary> out = new HashMap<>();
        if (monitorIds.isEmpty()) {
            return out;
        }
        List<Object> args = new ArrayList<>(monitorIds);
        args.addAll(List.of(res.bucketStart(from), to));
        List<Map.Entry<String, Summary>> rows = res == Resolution.MINUTE
                ? minutes(c, monitorIds, null, res.bucketStart(from), to, false).stream()
                        .map(m -> Map.entry(m.monitorId(), new Summary(m.row().probes, m.row().failures, Map.of(), m.row().latency, Map.of())))
                        .toList()
                : Sql.list(c, "SELECT k.monitor_id, r.probes, r.failures, r.figures FROM " + table(res) + " r JOIN monitor_keys k "
                        + "ON k.monitor_key = r.monitor_key WHERE k.monitor_id IN (" + Sql.marks(monitorIds.size())
                        + ") AND r.bucket_start >= ? AND r.bucket_start < ?",
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

    /**
     * The day buckets of many monitors in [{@code from}, {@code to}), every location's added up, by
     * monitor, oldest first; no latency parsed.
     */
    public Map<String, List<DayCount>> dailyCounts(Connection c, List<String> monitorIds, long from, long to) throws SQLException {
        Map<String, List<DayCount>> out = new HashMap<>();
        if (monitorIds.isEmpty()) {
            return out;
        }
        List<Object> args = new ArrayList<>(monitorIds);
        args.addAll(List.of(Resolution.DAY.bucketStart(from), to));
        Sql.list(c, "SELECT k.monitor_id, r.bucket_start, SUM(r.probes), SUM(r.failures) FROM rollup_days r JOIN monitor_keys k "
                + "ON k.monitor_key = r.monitor_key WHERE k.monitor_id IN (" + Sql.marks(monitorIds.size())
                + ") AND r.bucket_start >= ? AND r.bucket_start < ? GROUP BY k.monitor_id, r.bucket_start ORDER BY k.monitor_id, r.bucket_start",
                rs -> Map.entry(rs.getString(1), new DayCount(rs.getLong(2), rs.getLong(3), rs.getLong(4))),
                args.toArray()).forEach(day -> out.computeIfAbsent(day.getKey(), k -> new ArrayList<>()).add(day.getValue()));
        return out;
    }

    /** A monitor's buckets for charts, every location's merged into one per bucket. */
    public List<Bucket> buckets(Connection c, String monitorId, Resolution res, long from, long to) throws SQLException {
        return buckets(c, monitorId, null, res, from, to);
    }

    /** A monitor's buckets for charts: {@code location}'s alone, or every location's merged when it is null. */
    public List<Bucket> buckets(Connection c, String monitorId, String location, Resolution res, long from, long to) throws SQLException {
        List<Map.Entry<Long, Row>> rows = res == Resolution.MINUTE
                ? minutes(c, List.of(monitorId), location, res.bucketStart(from), to, true).stream()
                        .map(m -> Map.entry(m.bucket(), m.row())).toList()
                : Sql.list(c, "SELECT probes, failures, figures, bucket_start FROM " + table(res) + " WHERE monitor_key = " + MONITOR
                        + " AND bucket_start >= ? AND bucket_start < ?" + (location == null ? "" : " AND location_key = " + LOCATION)
                        + " ORDER BY bucket_start", rs -> Map.entry(rs.getLong(4), row(rs)), args(monitorId, res.bucketStart(from), to, location));
        List<Bucket> out = new ArrayList<>();
        int i = 0;
        while (i < rows.size()) {
            long start = rows.get(i).getKey();
            Row merged = new Row();
            for (; i < rows.size() && rows.get(i).getKey() == start; i++) {
                merge(merged, rows.get(i).getValue());
            }
            Map<String, Double> means = new TreeMap<>();
            merged.phases.forEach((k, v) -> means.put(k, v[0] == 0 ? null : v[1] / v[0]));
            out.add(new Bucket(start, merged.probes, merged.failures, merged.latency.quantile(0.5), merged.latency.quantile(0.95), means));
        }
        return out;
    }

    /**
     * Deletes the oldest bucket of a resolution that is older than {@code cutoff} (one bucket of every
     * monitor and location, so a batch stays small); returns how many rows went, 0 when nothing is left to delete.
     */
    public int deleteOldestBucket(Connection c, Resolution res, long cutoff) throws SQLException {
        Long oldest = Sql.one(c, "SELECT MIN(bucket_start) AS oldest FROM " + table(res) + " WHERE bucket_start < ?",
                rs -> Sql.longOrNull(rs, "oldest"), cutoff);
        return oldest == null ? 0 : Sql.update(c, "DELETE FROM " + table(res) + " WHERE bucket_start = ?", oldest);
    }

    /** A minute bucket of a monitor as one location saw it, stored or computed from raw results. */
    record Minute(String monitorId, String location, long bucket, Row row) {}

    /**
     * Where stored minute rows end and raw results take over: the end of the newest stored minute, or
     * {@link Long#MIN_VALUE} when none is stored (every minute is read from raw results).
     */
    static long rawHorizon(Connection c) throws SQLException {
        Long newest = Sql.one(c, "SELECT MAX(bucket_start) AS newest FROM rollup_minutes", rs -> Sql.longOrNull(rs, "newest"));
        return newest == null ? Long.MIN_VALUE : newest + Resolution.MINUTE.millis();
    }

    /**
     * The minute buckets starting in [{@code from}, {@code to}) of these monitors (null: every monitor)
     * and of {@code location} (null: every location), one per monitor, location and minute, by monitor
     * then time: stored rows before the raw horizon, raw results summed by minute from it on. Phase
     * sums only when {@code phases} (they cost a read of each probe's timings).
     */
    static List<Minute> minutes(Connection c, Collection<String> monitorIds, String location, long from, long to, boolean phases)
            throws SQLException {
        List<Minute> out = new ArrayList<>();
        if (monitorIds != null && monitorIds.isEmpty()) {
            return out;
        }
        long horizon = rawHorizon(c);
        if (from < horizon) {
            List<Object> args = new ArrayList<>(List.of(from, Math.min(to, horizon)));
            String filter = "";
            if (monitorIds != null) {
                args.addAll(monitorIds);
                filter = " AND k.monitor_id IN (" + Sql.marks(monitorIds.size()) + ")";
            }
            if (location != null) {
                args.add(location);
                filter += " AND l.name = ?";
            }
            out.addAll(Sql.list(c, "SELECT r.probes, r.failures, r.figures, k.monitor_id, r.bucket_start, l.name FROM rollup_minutes r "
                    + "JOIN monitor_keys k ON k.monitor_key = r.monitor_key JOIN location_keys l ON l.location_key = r.location_key "
                    + "WHERE r.bucket_start >= ? AND r.bucket_start < ?" + filter,
                    rs -> new Minute(rs.getString(4), rs.getString(6), rs.getLong(5), row(rs)), args.toArray()));
        }
        long rawFrom = ceilMinute(Math.max(from, horizon));
        // a probe is in the bucket of the minute it started in: bucket_start < to when started_at < to rounded up to a minute
        long rawTo = ceilMinute(to);
        if (rawFrom < rawTo) {
            Map<String, Minute> current = new HashMap<>();
            for (ResultStore.Measured p : RESULTS.measured(c, monitorIds, rawFrom, rawTo, phases)) {
                if (location != null && !location.equals(p.location())) {
                    continue;
                }
                long bucket = Resolution.MINUTE.bucketStart(p.startedAt());
                String key = p.monitorId() + '\n' + p.location();
                Minute m = current.get(key);
                if (m == null || m.bucket() != bucket) {
                    m = new Minute(p.monitorId(), p.location(), bucket, new Row());
                    current.put(key, m);
                    out.add(m);
                }
                count(m.row(), p.healthy(), p.reason(), p.totalMs(), p.timings());
            }
        }
        out.sort(Comparator.comparing(Minute::monitorId).thenComparingLong(Minute::bucket).thenComparing(Minute::location));
        return out;
    }

    /**
     * Stores the minute rollups of the raw results in [horizon, {@code before}) (before is a minute's
     * start), each location's apart, so that deleting those raw results loses no minute figures: for
     * minute rollups kept longer than raw results. Idempotent; returns how many rows it wrote.
     */
    public int keepMinutes(Connection c, long before) throws SQLException {
        long horizon = rawHorizon(c);
        Long oldest = RESULTS.oldestStart(c);
        if (oldest == null) {
            return 0;
        }
        long from = Math.max(horizon, Resolution.MINUTE.bucketStart(oldest));
        int written = 0;
        Map<String, Integer> locationKeys = new HashMap<>();
        for (Minute m : minutes(c, null, null, from, before, true)) {
            Row row = m.row();
            row.exists = false;
            Integer locationKey = locationKeys.get(m.location());
            if (locationKey == null) {
                locationKey = locationKey(c, m.location());
                locationKeys.put(m.location(), locationKey);
            }
            save(c, Resolution.MINUTE, ResultStore.monitorKey(c, m.monitorId()), locationKey, m.bucket(), row);
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

    /** Adds the figures of {@code from} to {@code into}. */
    private static void merge(Row into, Row from) {
        into.probes += from.probes;
        into.failures += from.failures;
        from.byReason.forEach((k, v) -> into.byReason.merge(k, v, Long::sum));
        into.latency.merge(from.latency);
        from.phases.forEach((k, v) -> {
            double[] sum = into.phases.computeIfAbsent(k, x -> new double[2]);
            sum[0] += v[0];
            sum[1] += v[1];
        });
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

    /** The row a probe adds to (a new one where none is stored), read and locked. */
    private Row lock(Connection c, Resolution res, long monitorKey, int locationKey, long bucket) throws SQLException {
        Row row = Sql.one(c, "SELECT probes, failures, figures FROM " + table(res) + " WHERE monitor_key = ? AND bucket_start = ? "
                + "AND location_key = ?" + dialect.forUpdate(), RollupStore::row, monitorKey, bucket, locationKey);
        return row == null ? new Row() : row;
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

    private static void save(Connection c, Resolution res, long monitorKey, int locationKey, long bucket, Row row) throws SQLException {
        String sql = row.exists
                ? "UPDATE " + table(res) + " SET probes = ?, failures = ?, figures = ? WHERE monitor_key = ? AND location_key = ? AND bucket_start = ?"
                : "INSERT INTO " + table(res) + " (probes, failures, figures, monitor_key, location_key, bucket_start) VALUES (?, ?, ?, ?, ?, ?)";
        Sql.update(c, sql, row.probes, row.failures, PackedRollup.pack(row.byReason, row.latency, row.phases), monitorKey, locationKey,
                bucket);
    }
}
