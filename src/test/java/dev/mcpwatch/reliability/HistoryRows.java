package dev.mcpwatch.reliability;

import dev.mcpwatch.testkit.RollupRows;

import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.LatencySketch;
import dev.mcpwatch.store.PackedRollup;
import dev.mcpwatch.store.Resolution;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * Writes a {@link History} into a real database as mcpwatch would have recorded it: the monitors
 * (with their tags), rollups at the three resolutions (each with a latency sketch of its healthy
 * probes), the incidents with their severity changes on the timeline, and the maintenance
 * occurrences and pauses the record keeper would have written. Minute rollups are written only for
 * the days {@code minuteDays} accepts — the record reads minutes only around maintenance and at the
 * end of the time it reads, and a test should not wait for a quarter of a million rows.
 */
final class HistoryRows {
    private HistoryRows() {}

    static void write(Database db, History h, Map<String, List<String>> tags, LongPredicate minuteDays) throws SQLException {
        db.transaction(c -> {
            try (PreparedStatement m = c.prepareStatement("INSERT INTO monitors (id, name, transport, target, source, config, interval_ms, "
                    + "tags, paused, created_at, updated_at) VALUES (?, ?, 'streamable-http', ?, 'file', '{}', 60000, ?, ?, ?, ?)")) {
                for (var e : tags.entrySet()) {
                    m.setString(1, e.getKey());
                    m.setString(2, "Monitor " + e.getKey());
                    m.setString(3, "https://" + e.getKey() + ".example.com/mcp");
                    m.setString(4, e.getValue().isEmpty() ? "," : "," + String.join(",", e.getValue()) + ",");
                    m.setBoolean(5, false);
                    m.setLong(6, h.start);
                    m.setLong(7, h.start);
                    m.executeUpdate();
                }
            }
            RollupRows.stage(c);
            for (String id : tags.keySet()) {
                rollups(c, h, id, minuteDays);
            }
            RollupRows.unstage(c, "default");
            for (IncidentFacts i : h.incidents()) {
                incident(c, i);
            }
            return null;
        });
    }

    private static void rollups(Connection c, History h, String id, LongPredicate minuteDays) throws SQLException {
        History.Probes p = h.probes(id);
        for (Resolution r : Resolution.values()) {
            Map<Long, long[]> counts = new TreeMap<>();
            Map<Long, LatencySketch> sketches = new TreeMap<>();
            for (int m = 0; m < h.minutes; m++) {
                long t = h.start + m * History.MINUTE;
                if (p.absent[m] || r == Resolution.MINUTE && !minuteDays.test(Resolution.DAY.bucketStart(t))) {
                    continue;
                }
                long bucket = r.bucketStart(t);
                long[] n = counts.computeIfAbsent(bucket, k -> new long[2]);
                n[0]++;
                if (p.failed[m]) {
                    n[1]++;
                } else {
                    sketches.computeIfAbsent(bucket, k -> new LatencySketch()).add(p.totalMs[m]);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO staged_rollups (monitor_id, resolution, bucket_start, probes, failures, "
                    + "figures) VALUES (?, ?, ?, ?, ?, ?)")) {
                int batch = 0;
                for (var e : counts.entrySet()) {
                    ps.setString(1, id);
                    ps.setString(2, r.wireName());
                    ps.setLong(3, e.getKey());
                    ps.setLong(4, e.getValue()[0]);
                    ps.setLong(5, e.getValue()[1]);
                    ps.setBytes(6, PackedRollup.pack(Map.of(), sketches.getOrDefault(e.getKey(), new LatencySketch()), Map.of()));
                    ps.addBatch();
                    if (++batch % 1_000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
        }
    }

    private static void incident(Connection c, IncidentFacts i) throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO incidents (monitor_id, status, severity, reason, layer, phase, message, "
                + "onset_at, detected_at, notified_at, acknowledged_at, resolved_at, resolution, resolved_by, failing_probes, current_severity) "
                + "VALUES (?, ?, ?, ?, ?, 'connect', 'it failed', ?, ?, ?, ?, ?, ?, ?, 3, ?) RETURNING id")) {
            ps.setString(1, i.monitorId());
            ps.setString(2, i.resolvedAt() == null ? "open" : "resolved");
            ps.setString(3, i.severity().wireName());
            ps.setString(4, i.reason().wireName());
            ps.setString(5, i.layer().wireName());
            ps.setLong(6, i.onsetAt());
            ps.setLong(7, i.detectedAt());
            ps.setObject(8, i.notifiedAt());
            ps.setObject(9, i.acknowledgedAt());
            ps.setObject(10, i.resolvedAt());
            ps.setString(11, i.resolvedAt() == null ? null : i.resolvedBy() == ResolvedBy.REMOVAL ? "monitor removed" : "recovered");
            ps.setString(12, i.resolvedBy() == null ? null : i.resolvedBy().wireName());
            ps.setString(13, (i.changes().isEmpty() ? i.severity() : i.changes().getLast().to()).wireName());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        var from = i.severity();
        for (IncidentFacts.SeverityChange ch : i.changes()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO incident_events (incident_id, at, kind, detail) VALUES (?, ?, 'severity', ?)")) {
                ps.setLong(1, id);
                ps.setLong(2, ch.at());
                ps.setString(3, "{\"from\":\"" + from.wireName() + "\",\"to\":\"" + ch.to().wireName() + "\",\"why\":\"test\"}");
                ps.executeUpdate();
            }
            from = ch.to();
        }
    }

    /** A maintenance occurrence as the record keeper writes it while it runs. */
    static void occurrence(Database db, String window, Span span, List<String> monitors, List<String> tags) throws SQLException {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO maintenance_occurrences (window_name, starts_at, ends_at, monitors, tags, "
                    + "recorded_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, window);
                ps.setLong(2, span.start());
                ps.setLong(3, span.end());
                ps.setString(4, json(monitors));
                ps.setString(5, json(tags));
                ps.setLong(6, span.start());
                ps.executeUpdate();
            }
            return null;
        });
    }

    static void pause(Database db, String monitor, Span span) throws SQLException {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_pauses (monitor_id, paused_at, resumed_at) VALUES (?, ?, ?)")) {
                ps.setString(1, monitor);
                ps.setLong(2, span.start());
                ps.setLong(3, span.end());
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static String json(List<String> values) {
        return values.isEmpty() ? "[]" : "[\"" + String.join("\",\"", values) + "\"]";
    }
}
