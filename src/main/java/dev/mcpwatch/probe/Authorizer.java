package dev.mcpwatch.probe;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Credentials a probe obtains by itself (OAuth), as opposed to configured headers. The probe asks
 * for the {@code Authorization} value before each MCP request to the monitored origin, and when the
 * server answers 401 (or 403 {@code insufficient_scope}) with a Bearer challenge it asks for new
 * credentials and retries that request once. One authorizer serves one monitor across probes, so it
 * may cache tokens; it must be thread-safe.
 */
public interface Authorizer {

    /**
     * The headers that authorize one request ({@code Authorization}, and a {@code DPoP} proof for a
     * sender-constrained token), or none when no token is held yet (the server's 401 starts the flow).
     */
    Map<String, String> headers(String method, HttpUrl url, Side side);

    /**
     * The server refused with a Bearer or DPoP challenge. Gets new credentials (or takes the DPoP
     * nonce it asks for) and returns true to retry the request, or false when it has nothing better
     * (the probe is then auth-walled, with {@link #problem()} in its message).
     */
    boolean renew(Challenge challenge, Side side);

    /** Why the last {@link #renew} or refresh failed, in a sentence for the operator; null when nothing failed. */
    String problem();

    /** What this probe used, for the result (never a secret), or null. */
    CredentialInfo info();

    /**
     * A challenge: the status, its scheme (Bearer or DPoP), the URL that answered, the challenge's
     * parameters (lower-case names) and the {@code DPoP-Nonce} the server sent, if any.
     */
    record Challenge(int status, String scheme, HttpUrl url, Map<String, String> params, String dpopNonce) {}

    /** What the probe lends the authorizer for its own requests: its HTTP clients (trust, no redirects) and its time left. */
    interface Side {
        OkHttpClient client(HttpUrl url);

        long remainingMillis();
    }

    /**
     * The credentials a probe used: the grant, the authorization server, when the access token expires
     * (mcpwatch renews it), and what expires that mcpwatch cannot renew by itself (a client secret or
     * key, a refresh token), for the 72-hour warning.
     */
    record CredentialInfo(String grant, String issuer, Instant tokenExpiresAt, List<Expiring> expiring) {
        public CredentialInfo {
            expiring = expiring == null ? List.of() : List.copyOf(expiring);
        }
    }

    /** Something that expires: {@code what} names it for the operator ("client secret", "refresh token"). */
    record Expiring(String what, Instant at) {}
}
