package dev.mcpwatch.oauth;

import dev.mcpwatch.probe.Json;
import java.io.IOException;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The user grants of {@code mcpwatch auth login}, one per monitor, in the database (so every node of
 * a cluster can refresh them), sealed with a {@link SecretBox}. A grant holds the refresh token, the
 * client registration it belongs to, and the DPoP key it is bound to, if any.
 */
public final class GrantStore {
    private final GrantRows rows;
    private final SecretBox box;

    /** A user's grant: the client it was issued to, and the refresh token that renews it. */
    record Grant(String issuer, String clientId, String clientSecret, OAuthSettings.Method method, String refreshToken, String scope,
            Instant refreshExpiresAt, String dpopKey) {
        @Override
        public String toString() {
            return "Grant[issuer=" + issuer + ", clientId=" + clientId + ", scope=" + scope + "]";
        }
    }

    private GrantStore(GrantRows rows, SecretBox box) {
        this.rows = rows;
        this.box = box;
    }

    /** The grants kept in {@code rows}, sealed with the key in {@code keyValue} (the value of MCPWATCH_OAUTH_KEY). */
    public static GrantStore open(GrantRows rows, String keyValue) throws OAuthException {
        return new GrantStore(rows, SecretBox.of(keyValue));
    }

    Grant load(String monitorId) throws OAuthException {
        try {
            String sealed = rows.sealed(monitorId);
            if (sealed == null) {
                return null;
            }
            JsonNode g = Json.MAPPER.readTree(box.open(sealed, monitorId));
            return new Grant(g.path("issuer").stringValue(), g.path("client_id").stringValue(), g.path("client_secret").stringValue(null),
                    OAuthSettings.Method.fromWireName(g.path("method").stringValue("none")), g.path("refresh_token").stringValue(null),
                    g.path("scope").stringValue(null), g.path("refresh_expires_at").isNumber()
                            ? Instant.ofEpochMilli(g.path("refresh_expires_at").asLong()) : null, g.path("dpop_key").stringValue(null));
        } catch (IOException e) {
            throw new OAuthException("cannot read the stored grant: " + e.getMessage());
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
            rows.save(monitorId, grant.issuer(), grant.clientId(), sealed,
                    grant.refreshExpiresAt() == null ? null : grant.refreshExpiresAt().toEpochMilli(), now);
        } catch (IOException e) {
            throw new OAuthException("cannot store the grant: " + e.getMessage());
        }
    }
}
