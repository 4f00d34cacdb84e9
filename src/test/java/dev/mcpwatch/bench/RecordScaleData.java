package dev.mcpwatch.bench;

import dev.mcpwatch.testkit.RollupRows;

import dev.mcpwatch.store.LatencySketch;
import dev.mcpwatch.store.PackedRollup;
import dev.mcpwatch.store.Resolution;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Thirteen months of history for many monitors, written with batched SQL straight into the tables
 * (through the recorder it would take days): a day rollup per monitor and day, an incident or two per
 * monitor and month (a tenth of them raised to P1 for a while, some acknowledged, some remediated),
 * a maintenance window on the first Tuesday of every month 02:00–03:00 UTC over the monitors tagged
 * {@code staging} (a third) — with the hour rollups of those days, which the record reads around the
 * window — and one monitor in a hundred paused for a day each month.
 *
 * <p>Rollups are what a real installation would hold for the days the record reads; the hours of other
 * days, which nothing here reads, are not written. Rows go in through one plain connection in batches
 * (for PostgreSQL with {@code reWriteBatchedInserts}), incidents with their ids given, a transaction
 * per hundred monitors.
 */
final class RecordScaleData {
    static final long MINUTE = 60_000;

    private RecordScaleData() {}

    static String id(int i) {
        return String.format("m-%05d", i);
    }

    /** What was written, for the bench to check the figures against. */
    record Seeded(long rollupRows, long incidents, long dayFailures) {}

    static Seeded seed(Connection c, int monitors, YearMonth first, long now) throws SQLException {
        c.setAutoCommit(false);
        long from = first.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        long day = Resolution.DAY.millis();
        int days = (int) ((Resolution.DAY.bucketStart(now) - from) / day) + 1;
        long[] counts = new long[3];
        long[] nextIncident = {1};
        RollupRows.stage(c);
        {
            try (PreparedStatement m = c.prepareStatement("INSERT INTO monitors (id, name, transport, target, source, config, interval_ms, "
                    + "tags, paused, created_at, updated_at) VALUES (?, ?, 'streamable-http', ?, 'file', '{}', 60000, ?, FALSE, ?, ?)")) {
                for (int i = 0; i < monitors; i++) {
                    m.setString(1, id(i));
                    m.setString(2, "Monitor " + i);
                    m.setString(3, "https://" + id(i) + ".example.com/mcp");
                    m.setString(4, staging(i) ? ",staging," : ",prod,");
                    m.setLong(5, from);
                    m.setLong(6, from);
                    m.addBatch();
                }
                m.executeBatch();
            }
            try (PreparedStatement o = c.prepareStatement("INSERT INTO maintenance_occurrences (window_name, starts_at, ends_at, monitors, tags, "
                    + "recorded_at) VALUES ('monthly-migration', ?, ?, '[]', '[\"staging\"]', ?)")) {
                for (YearMonth ym = first; !ym.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).isAfter(java.time.Instant.ofEpochMilli(now));
                        ym = ym.plusMonths(1)) {
                    long start = firstTuesday(ym) + 2 * 3_600_000;
                    o.setLong(1, start);
                    o.setLong(2, start + 3_600_000);
                    o.setLong(3, start);
                    o.addBatch();
                }
                o.executeBatch();
            }
            c.commit();
        }
        // one transaction per hundred monitors keeps SQLite's journal and PostgreSQL's batches small
        for (int block = 0; block < monitors; block += 100) {
            int lo = block;
            int hi = Math.min(monitors, block + 100);
            {
                try (PreparedStatement r = c.prepareStatement("INSERT INTO staged_rollups (monitor_id, resolution, bucket_start, probes, failures, "
                        + "figures) VALUES (?, ?, ?, ?, ?, ?)");
                        PreparedStatement inc = c.prepareStatement("INSERT INTO incidents (monitor_id, status, severity, reason, layer, phase, "
                                + "message, onset_at, detected_at, notified_at, acknowledged_at, resolved_at, resolution, resolved_by, "
                                + "failing_probes, current_severity, id) VALUES (?, ?, ?, ?, ?, 'connect', 'Connection refused to 10.0.0.1:443', "
                                + "?, ?, ?, ?, ?, ?, ?, 3, ?, ?)");
                        PreparedStatement ev = c.prepareStatement("INSERT INTO incident_events (incident_id, at, kind, detail) "
                                + "VALUES (?, ?, 'severity', ?)");
                        PreparedStatement p = c.prepareStatement("INSERT INTO monitor_pauses (monitor_id, paused_at, resumed_at) VALUES (?, ?, ?)")) {
                    for (int i = lo; i < hi; i++) {
                        String id = id(i);
                        for (int d = 0; d < days; d++) {
                            long dayStart = from + d * day;
                            boolean tuesdayWindow = staging(i) && dayStart == firstTuesday(YearMonth.from(
                                    java.time.Instant.ofEpochMilli(dayStart).atOffset(ZoneOffset.UTC)));
                            int failures = (i + d) % 31 == 0 ? 12 : 0;
                            rollup(r, id, "day", dayStart, 1440, failures);
                            counts[0]++;
                            counts[2] += failures;
                            if (tuesdayWindow) {
                                for (int h = 0; h < 24; h++) {
                                    rollup(r, id, "hour", dayStart + h * 3_600_000L, 60, h == 0 ? failures : 0);
                                    counts[0]++;
                                }
                            }
                        }
                        r.executeBatch();
                        for (YearMonth ym = first; ym.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() < now; ym = ym.plusMonths(1)) {
                            long monthStart = ym.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
                            int n = 1 + (i + ym.getMonthValue()) % 2;
                            for (int k = 0; k < n; k++) {
                                long onset = monthStart + ((i * 7L + k * 11L) % 25) * day + ((i + k) % 20) * 3_600_000L + 10 * MINUTE;
                                if (onset + 3 * 3_600_000 >= now) {
                                    continue;
                                }
                                boolean p1 = (i + k) % 3 != 0;
                                long detected = onset + 2 * MINUTE;
                                long notified = detected + 20_000 + (i % 7) * 5_000;
                                Long acked = (i + k) % 4 == 0 ? null : notified + (1 + (i + k) % 9) * MINUTE;
                                long resolved = detected + (5 + (i * 13L + k) % 55) * MINUTE;
                                inc.setString(1, id);
                                inc.setString(2, "resolved");
                                inc.setString(3, p1 ? "P1" : "P2");
                                inc.setString(4, p1 ? "connection_refused" : "tool_call_error");
                                inc.setString(5, p1 ? "tcp" : "tools");
                                inc.setLong(6, onset);
                                inc.setLong(7, detected);
                                inc.setLong(8, notified);
                                if (acked == null || acked > resolved) {
                                    inc.setNull(9, java.sql.Types.BIGINT);
                                } else {
                                    inc.setLong(9, acked);
                                }
                                inc.setLong(10, resolved);
                                inc.setString(11, "recovered");
                                inc.setString(12, (i + k) % 10 == 5 ? "remediation" : "recovery");
                                inc.setString(13, p1 ? "P1" : "P2");
                                long incidentId = nextIncident[0]++;
                                inc.setLong(14, incidentId);
                                inc.addBatch();
                                counts[1]++;
                                if (!p1 && (i + k) % 10 == 1) {
                                    ev.setLong(1, incidentId);
                                    ev.setLong(2, detected + 3 * MINUTE);
                                    ev.setString(3, "{\"from\":\"P2\",\"to\":\"P1\",\"why\":\"outage confirmed\"}");
                                    ev.addBatch();
                                    ev.setLong(1, incidentId);
                                    ev.setLong(2, detected + 4 * MINUTE);
                                    ev.setString(3, "{\"from\":\"P1\",\"to\":\"P2\",\"why\":\"outage over\"}");
                                    ev.addBatch();
                                }
                            }
                            if (i % 100 == 42) {
                                p.setString(1, id);
                                p.setLong(2, monthStart + 14 * day);
                                p.setLong(3, Math.min(now, monthStart + 15 * day));
                                p.addBatch();
                            }
                        }
                        inc.executeBatch();
                        ev.executeBatch();
                        p.executeBatch();
                    }
                }
                c.commit();
            }
        }
        RollupRows.unstage(c, "default");
        c.commit();
        return new Seeded(counts[0], counts[1], counts[2]);
    }

    static boolean staging(int i) {
        return i % 3 == 0;
    }

    static long firstTuesday(YearMonth ym) {
        java.time.LocalDate d = ym.atDay(1);
        while (d.getDayOfWeek() != java.time.DayOfWeek.TUESDAY) {
            d = d.plusDays(1);
        }
        return d.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static void rollup(PreparedStatement r, String id, String res, long bucket, int probes, int failures) throws SQLException {
        r.setString(1, id);
        r.setString(2, res);
        r.setLong(3, bucket);
        r.setInt(4, probes);
        r.setInt(5, failures);
        r.setBytes(6, PackedRollup.pack(failures == 0 ? Map.of() : Map.of("connection_refused", (long) failures), new LatencySketch(),
                Map.of()));
        r.addBatch();
    }
}
