package dev.mcpwatch.store;

import dev.mcpwatch.oauth.GrantRows;
import java.io.IOException;
import java.sql.SQLException;

/**
 * The {@code oauth_grants} table: one sealed grant per monitor (sealing and opening it is the OAuth
 * client's business), with the issuer, client and refresh expiry in the clear for operators.
 */
public final class OAuthGrantStore implements GrantRows {
    private final Database db;

    public OAuthGrantStore(Database db) {
        this.db = db;
    }

    @Override
    public String sealed(String monitorId) throws IOException {
        try {
            return db.read(c -> Sql.one(c, "SELECT sealed FROM oauth_grants WHERE monitor_id = ?", rs -> rs.getString(1), monitorId));
        } catch (SQLException e) {
            throw new IOException(db.describeWriteFailure(e), e);
        }
    }

    @Override
    public void save(String monitorId, String issuer, String clientId, String sealed, Long refreshExpiresAt, long now) throws IOException {
        try {
            db.transaction(c -> Sql.update(c, "INSERT INTO oauth_grants (monitor_id, issuer, client_id, sealed, refresh_expires_at, "
                    + "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (monitor_id) DO UPDATE SET issuer = excluded.issuer, "
                    + "client_id = excluded.client_id, sealed = excluded.sealed, refresh_expires_at = excluded.refresh_expires_at, "
                    + "updated_at = excluded.updated_at", monitorId, issuer, clientId, sealed, refreshExpiresAt, now));
        } catch (SQLException e) {
            throw new IOException(db.describeWriteFailure(e), e);
        }
    }
}
