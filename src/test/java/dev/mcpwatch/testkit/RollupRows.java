package dev.mcpwatch.testkit;

import dev.mcpwatch.store.Resolution;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Rollup rows written directly, as tests and benches that fake months of history need them: one
 * table per resolution, the monitor and the location by integer keys (V18), keys given on first use
 * as the store gives them.
 */
public final class RollupRows {
    private RollupRows() {}

    /** The table of a resolution's rows. */
    public static String table(Resolution res) {
        return "rollup_" + res.wireName() + "s";
    }

    /** Gives {@code monitorId} and {@code location} their keys if they have none yet. */
    public static void keys(Connection c, String monitorId, String location) throws SQLException {
        try (PreparedStatement m = c.prepareStatement("INSERT INTO monitor_keys (monitor_id) VALUES (?) ON CONFLICT (monitor_id) DO NOTHING");
                PreparedStatement l = c.prepareStatement("INSERT INTO location_keys (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
            m.setString(1, monitorId);
            m.executeUpdate();
            l.setString(1, location);
            l.executeUpdate();
        }
    }

    /**
     * An INSERT of one row of {@code res} whose keys exist ({@link #keys}); its values in order:
     * bucket start, probes, failures, figures, monitor id, location.
     */
    public static String insert(Resolution res) {
        return "INSERT INTO " + table(res) + " (bucket_start, monitor_key, probes, failures, location_key, figures) "
                + "SELECT ?, k.monitor_key, ?, ?, l.location_key, ? FROM monitor_keys k, location_keys l WHERE k.monitor_id = ? AND l.name = ?";
    }

    /** Binds one row to a statement from {@link #insert}. */
    public static void bind(PreparedStatement ps, long bucket, long probes, long failures, byte[] figures, String monitorId, String location)
            throws SQLException {
        ps.setLong(1, bucket);
        ps.setLong(2, probes);
        ps.setLong(3, failures);
        ps.setBytes(4, figures);
        ps.setString(5, monitorId);
        ps.setString(6, location);
    }

    /** Writes one row (its keys given first if needed). */
    public static void write(Connection c, String monitorId, String location, Resolution res, long bucket, long probes, long failures,
            byte[] figures) throws SQLException {
        keys(c, monitorId, location);
        try (PreparedStatement ps = c.prepareStatement(insert(res))) {
            bind(ps, bucket, probes, failures, figures, monitorId, location);
            ps.executeUpdate();
        }
    }

    /**
     * A table in the shape rollups had before V18 ({@code monitor_id, resolution, bucket_start,
     * probes, failures, figures}), for data generators that write many rows of several resolutions
     * with one statement; {@link #unstage} moves them to the rollup tables as {@code location}'s.
     */
    public static void stage(Connection c) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS staged_rollups (monitor_id TEXT NOT NULL, resolution TEXT NOT NULL, bucket_start BIGINT NOT NULL, "
                    + "probes INTEGER NOT NULL, failures INTEGER NOT NULL, figures " + (c.getMetaData().getURL().startsWith("jdbc:sqlite:") ? "BLOB"
                            : "BYTEA") + " NOT NULL)");
        }
    }

    /** Moves the rows of {@link #stage}'s table into the rollup tables as {@code location}'s, and drops it. */
    public static void unstage(Connection c, String location) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute("INSERT INTO monitor_keys (monitor_id) SELECT DISTINCT monitor_id FROM staged_rollups WHERE true "
                    + "ON CONFLICT (monitor_id) DO NOTHING");
        }
        try (PreparedStatement l = c.prepareStatement("INSERT INTO location_keys (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
            l.setString(1, location);
            l.executeUpdate();
        }
        for (Resolution res : Resolution.values()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table(res) + " (bucket_start, monitor_key, probes, failures, "
                    + "location_key, figures) SELECT r.bucket_start, k.monitor_key, r.probes, r.failures, l.location_key, r.figures "
                    + "FROM staged_rollups r JOIN monitor_keys k ON k.monitor_id = r.monitor_id JOIN location_keys l ON l.name = ? "
                    + "WHERE r.resolution = ?")) {
                ps.setString(1, location);
                ps.setString(2, res.wireName());
                ps.executeUpdate();
            }
        }
        try (var s = c.createStatement()) {
            s.execute("DROP TABLE staged_rollups");
        }
    }
}
