package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The {@code oauth_grants} table: one sealed grant per monitor (sealing and opening it is the OAuth
 * client's business), with the issuer, client and refresh expiry in the clear for operators.
 */
public final class OAuthGrantStore {

    /** The sealed grant of a monitor, or null. */
    public String sealed(Connection c, String monitorId) throws SQLException {
        return Sql.one(c, "SELECT sealed FROM oauth_grants WHERE monitor_id = ?", rs -> rs.getString(1), monitorId);
    }

    public void save(Connection c, String monitorId, String issuer, String clientId, String sealed, Long refreshExpiresAt, long now)
            throws SQLException {
        Sql.update(c, "INSERT INTO oauth_grants (monitor_id, issuer, client_id, sealed, refresh_expires_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (monitor_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id, "
                + "sealed = excluded.sealed, refresh_expires_at = excluded.refresh_expires_at, updated_at = excluded.updated_at", monitorId,
                issuer, clientId, sealed, refreshExpiresAt, now);
    }
}
