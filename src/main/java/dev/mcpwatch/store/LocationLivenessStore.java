package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Whether each location had a live node when last looked at ({@code location_liveness}). A change is a
 * conditional update, so of several nodes seeing the same change exactly one is told it made it.
 */
public final class LocationLivenessStore {

    /**
     * Records that {@code location} is live or not; true only for the caller that changed it. A
     * location seen for the first time is recorded as it is, which is no change.
     */
    public boolean set(Connection c, String location, boolean live, long now) throws SQLException {
        if (Sql.update(c, "INSERT INTO location_liveness (name, live, changed_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                location, live, now) == 1) {
            return false;
        }
        return Sql.update(c, "UPDATE location_liveness SET live = ?, changed_at = ? WHERE name = ? AND live = ?", live, now, location, !live) == 1;
    }
}
