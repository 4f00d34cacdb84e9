package dev.mcpwatch.bench;

import dev.mcpwatch.testkit.RollupRows;

import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.LatencySketch;
import dev.mcpwatch.store.PackedRollup;
import dev.mcpwatch.store.Resolution;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Random;

/**
 * Many monitors with a day of hour rollups and 90 days of day rollups each, written with batched
 * SQL straight into the tables (going through the recorder would take hours at this size). One in a
 * hundred is down with an open P1 incident, one in fifty suspect; a third carry the tag 'staging'.
 */
final class ScaleData {
    private ScaleData() {}

    static String id(int i) {
        return String.format("m-%05d", i);
    }

    static void seed(Database db, int monitors, long now) throws SQLException {
        Random random = new Random(7);
        LatencySketch[] sketches = new LatencySketch[16];
        for (int s = 0; s < sketches.length; s++) {
            LatencySketch sketch = new LatencySketch();
            for (int k = 0; k < 60; k++) {
                sketch.add(40 + 10 * s + 80 * random.nextDouble());
            }
            sketches[s] = sketch;
        }
        Map<String, double[]> phases = Map.of("connect", new double[] {60, 30.0}, "initialize", new double[] {60, 1800.0}, "tools_list",
                new double[] {60, 1200.0});
        long hour = Resolution.HOUR.bucketStart(now);
        long day = Resolution.DAY.bucketStart(now);
        db.transaction(c -> {
            RollupRows.stage(c);
            try (PreparedStatement m = c.prepareStatement("INSERT INTO monitors (id, name, transport, target, source, config, interval_ms, "
                    + "tags, paused, created_at, updated_at) VALUES (?, ?, 'streamable-http', ?, 'file', '{}', 60000, ?, ?, ?, ?)");
                    PreparedStatement st = c.prepareStatement("INSERT INTO monitor_state (monitor_id, status, consecutive_failures, "
                            + "consecutive_successes, open_incident_id, last_probe_at, last_healthy, last_reason, last_layer, last_phase, "
                            + "last_message, last_total_ms, probes) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, 80.0, 100000)");
                    PreparedStatement inc = c.prepareStatement("INSERT INTO incidents (id, monitor_id, status, severity, reason, layer, phase, "
                            + "message, onset_at, detected_at, failing_probes) VALUES (?, ?, 'open', 'P1', 'connection_refused', 'tcp', "
                            + "'connect', 'Connection refused to 10.0.0.1:443', ?, ?, 3)");
                    PreparedStatement r = c.prepareStatement("INSERT INTO staged_rollups (monitor_id, resolution, bucket_start, probes, failures, "
                            + "figures) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < monitors; i++) {
                    String id = id(i);
                    boolean down = i % 100 == 7;
                    boolean suspect = i % 50 == 3;
                    m.setString(1, id);
                    m.setString(2, "Monitor " + i);
                    m.setString(3, "https://" + id + ".example.com/mcp");
                    m.setString(4, i % 3 == 0 ? ",staging," : ",prod,");
                    m.setBoolean(5, false);
                    m.setLong(6, now);
                    m.setLong(7, now);
                    m.addBatch();
                    st.setString(1, id);
                    st.setString(2, down ? "down" : suspect ? "suspect" : "up");
                    st.setInt(3, down ? 5 : suspect ? 1 : 0);
                    if (down) {
                        st.setLong(4, i + 1L);
                    } else {
                        st.setNull(4, java.sql.Types.BIGINT);
                    }
                    st.setLong(5, now - 20_000);
                    st.setBoolean(6, !(down || suspect));
                    st.setString(7, down || suspect ? "connection_refused" : null);
                    st.setString(8, down || suspect ? "tcp" : null);
                    st.setString(9, down || suspect ? "connect" : null);
                    st.setString(10, down || suspect ? "Connection refused to 10.0.0.1:443" : null);
                    st.addBatch();
                    if (down) {
                        inc.setLong(1, i + 1L);
                        inc.setString(2, id);
                        inc.setLong(3, now - 3_600_000);
                        inc.setLong(4, now - 3_570_000);
                        inc.addBatch();
                    }
                    for (int h = 0; h < 24; h++) {
                        rollup(r, id, "hour", hour - h * Resolution.HOUR.millis(), 60, down && h == 0 ? 60 : i % 17 == h ? 1 : 0,
                                sketches[(i + h) % sketches.length], phases);
                    }
                    for (int d = 0; d < 90; d++) {
                        rollup(r, id, "day", day - d * Resolution.DAY.millis(), 1440, (i + d) % 31 == 0 ? 12 : 0,
                                sketches[(i + d) % sketches.length], phases);
                    }
                    if (i % 200 == 199) {
                        m.executeBatch();
                        st.executeBatch();
                        inc.executeBatch();
                        r.executeBatch();
                    }
                }
                m.executeBatch();
                st.executeBatch();
                inc.executeBatch();
                r.executeBatch();
            }
            RollupRows.unstage(c, "default");
            return null;
        });
    }

    private static void rollup(PreparedStatement r, String id, String res, long bucket, int probes, int failures, LatencySketch latency,
            Map<String, double[]> phases) throws SQLException {
        r.setString(1, id);
        r.setString(2, res);
        r.setLong(3, bucket);
        r.setInt(4, probes);
        r.setInt(5, failures);
        r.setBytes(6, PackedRollup.pack(failures == 0 ? Map.of() : Map.of("connection_refused", (long) failures), latency, phases));
        r.addBatch();
    }
}
