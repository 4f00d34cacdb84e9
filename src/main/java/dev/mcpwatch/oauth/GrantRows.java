package dev.mcpwatch.oauth;

import java.io.IOException;

/**
 * Where sealed grants are kept, one per monitor: the database in {@code serve} and the CLI
 * ({@code store.OAuthGrantStore}). A failure carries a sentence saying why (a full disk, say).
 */
public interface GrantRows {

    /** The sealed grant of a monitor, or null. */
    String sealed(String monitorId) throws IOException;

    /** Stores a monitor's sealed grant, with its issuer, client and refresh expiry in the clear for operators. */
    void save(String monitorId, String issuer, String clientId, String sealed, Long refreshExpiresAt, long now) throws IOException;
}
