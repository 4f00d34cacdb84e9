package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.api.migration.Context;
import tools.jackson.databind.JsonNode;

/**
 * V15: rollup rows keep their figures packed ({@link PackedRollup}) in one column instead of three
 * JSON texts, and SQLite keeps them in the primary key's tree (WITHOUT ROWID) instead of a table
 * plus a copy of the key in an index. A Java migration because the JSON sketch cannot be turned into
 * varints in SQL that SQLite and PostgreSQL both run. Every existing row is converted in the same
 * transaction (reading two formats for the 400 days old rows live would keep the JSON code in every
 * reader): the counts, reasons, sketch buckets and phase sums are the same after it.
 */
final class BinaryRollupsMigration extends NumberedMigration {
    private static final int BATCH = 1_000;

    BinaryRollupsMigration() {
        super("15", "binary rollups");
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Map<String, String> placeholders = context.getConfiguration().getPlaceholders();
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE packed_rollups (monitor_id TEXT NOT NULL, resolution TEXT NOT NULL, bucket_start BIGINT NOT NULL, "
                    + "probes INTEGER NOT NULL, failures INTEGER NOT NULL, figures " + placeholders.get("blob") + " NOT NULL, "
                    + "PRIMARY KEY (monitor_id, resolution, bucket_start))" + placeholders.get("without_rowid"));
        }
        convert(c);
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE rollups");
            s.execute("ALTER TABLE packed_rollups RENAME TO rollups");
            s.execute("CREATE INDEX rollups_age ON rollups (resolution, bucket_start)");
            // as in V8: the record sums day rows from this index alone
            s.execute("CREATE INDEX rollups_day_counts ON rollups (resolution, bucket_start, monitor_id, probes, failures) "
                    + "WHERE resolution = 'day'");
        }
    }

    /** Copies every JSON row into the packed table, a batch of inserts at a time. */
    private static void convert(Connection c) throws SQLException {
        try (Statement read = c.createStatement();
                PreparedStatement write = c.prepareStatement("INSERT INTO packed_rollups (monitor_id, resolution, bucket_start, probes, "
                        + "failures, figures) VALUES (?, ?, ?, ?, ?, ?)")) {
            read.setFetchSize(BATCH);
            try (ResultSet rs = read.executeQuery("SELECT monitor_id, resolution, bucket_start, probes, failures, failures_by_reason, "
                    + "latency, phases FROM rollups")) {
                int pending = 0;
                while (rs.next()) {
                    write.setString(1, rs.getString(1));
                    write.setString(2, rs.getString(2));
                    write.setLong(3, rs.getLong(3));
                    write.setLong(4, rs.getLong(4));
                    write.setLong(5, rs.getLong(5));
                    write.setBytes(6, PackedRollup.pack(counts(rs.getString(6)), LatencySketch.fromJson(rs.getString(7)),
                            phases(rs.getString(8))));
                    write.addBatch();
                    if (++pending == BATCH) {
                        write.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    write.executeBatch();
                }
            }
        }
    }

    private static Map<String, Long> counts(String json) {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : Json.MAPPER.readTree(json).properties()) {
            out.put(e.getKey(), e.getValue().asLong());
        }
        return out;
    }

    private static Map<String, double[]> phases(String json) {
        Map<String, double[]> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : Json.MAPPER.readTree(json).properties()) {
            out.put(e.getKey(), new double[] {e.getValue().get(0).asDouble(), e.getValue().get(1).asDouble()});
        }
        return out;
    }
}
