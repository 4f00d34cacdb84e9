package dev.mcpwatch.oauth;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The user grants of {@code mcpwatch auth login}, one per monitor, in the database (so every node of
 * a cluster can refresh them), sealed with a {@link SecretBox}. A grant holds the refresh token, the
 * client registration it belongs to, and the DPoP key it is bound to, if any.
 */
public final class GrantStore {
    private final Database db;
    private final SecretBox box;

    /** A user's grant: the client it was issued to, and the refresh token that renews it. */
    record Grant(String issuer, String clientId, String clientSecret, OAuthSettings.Method method, String refreshToken, String scope,
            Instant refreshExpiresAt, String dpopKey) {
        @Override
        public String toString() {
            return "Grant[issuer=" + issuer + ", clientId=" + clientId + ", scope=" + scope + "]";
        }
    }

    private GrantStore(Database db, SecretBox box) {
        this.db = db;
        this.box = box;
    }

    /** The store over {@code db}, sealing with the key in {@code keyValue} (the value of MCPWATCH_OAUTH_KEY). */
    public static GrantStore open(Database db, String keyValue) throws OAuthException {
        return new GrantStore(db, SecretBox.of(keyValue));
    }

    Grant load(String monitorId) throws OAuthException {
        try {
            String sealed = db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT sealed FROM oauth_grants WHERE monitor_id = ?")) {
                    ps.setString(1, monitorId);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getString(1) : null;
                    }
                }
            });
            if (sealed == null) {
                return null;
            }
            JsonNode g = Json.MAPPER.readTree(box.open(sealed, monitorId));
            return new Grant(g.path("issuer").stringValue(), g.path("client_id").stringValue(), g.path("client_secret").stringValue(null),
                    OAuthSettings.Method.fromWireName(g.path("method").stringValue("none")), g.path("refresh_token").stringValue(null),
                    g.path("scope").stringValue(null), g.path("refresh_expires_at").isNumber()
                            ? Instant.ofEpochMilli(g.path("refresh_expires_at").asLong()) : null, g.path("dpop_key").stringValue(null));
        } catch (SQLException e) {
            throw new OAuthException("cannot read the stored grant: " + db.describeWriteFailure(e));
        }
    }

    void save(String monitorId, Grant grant, long now) throws OAuthException {
        ObjectNode g = Json.object();
        g.put("issuer", grant.issuer());
        g.put("client_id", grant.clientId());
        g.put("client_secret", grant.clientSecret());
        g.put("method", grant.method().wireName());
        g.put("refresh_token", grant.refreshToken());
        g.put("scope", grant.scope());
        if (grant.refreshExpiresAt() != null) {
            g.put("refresh_expires_at", grant.refreshExpiresAt().toEpochMilli());
        }
        g.put("dpop_key", grant.dpopKey());
        String sealed = box.seal(g.toString(), monitorId);
        try {
            db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO oauth_grants (monitor_id, issuer, client_id, sealed, "
                        + "refresh_expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (monitor_id) DO UPDATE SET "
                        + "issuer = excluded.issuer, client_id = excluded.client_id, sealed = excluded.sealed, "
                        + "refresh_expires_at = excluded.refresh_expires_at, updated_at = excluded.updated_at")) {
                    ps.setString(1, monitorId);
                    ps.setString(2, grant.issuer());
                    ps.setString(3, grant.clientId());
                    ps.setString(4, sealed);
                    if (grant.refreshExpiresAt() == null) {
                        ps.setNull(5, java.sql.Types.BIGINT);
                    } else {
                        ps.setLong(5, grant.refreshExpiresAt().toEpochMilli());
                    }
                    ps.setLong(6, now);
                    ps.executeUpdate();
                }
                return null;
            });
        } catch (SQLException e) {
            throw new OAuthException("cannot store the grant: " + db.describeWriteFailure(e));
        }
    }
}
