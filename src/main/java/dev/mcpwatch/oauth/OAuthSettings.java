package dev.mcpwatch.oauth;

import java.time.Instant;
import java.util.Locale;

/**
 * A monitor's {@code auth:} block: how mcpwatch gets OAuth 2.1 access tokens for a server behind an
 * authorization server. Secret values (client secret, private key) arrive resolved from
 * {@code ${ENV}}; {@link #toString} leaves them out.
 *
 * @param grant {@code client_credentials} (machine to machine), {@code jwt_bearer} (a workload
 *     identity token exchanged for an access token, RFC 7523) or {@code authorization_code} (a person
 *     logs in once with {@code mcpwatch auth login}; mcpwatch keeps the refresh token)
 * @param clientId the registered client id; null for authorization_code with dynamic registration
 * @param clientSecret the client secret, for client_secret_basic and client_secret_post
 * @param method how the client authenticates at the token endpoint
 * @param privateKey a PKCS#8 PEM private key, for private_key_jwt
 * @param signingAlgorithm ES256 (default), ES384, RS256 or PS256, for private_key_jwt
 * @param scope the scope to ask for; null to take it from the server's challenge or metadata
 * @param resource the RFC 8707 resource; null for the protected-resource metadata's (or the URL)
 * @param issuer the authorization server mcpwatch may send credentials to; null to trust the one the
 *     server's metadata names (the first time; later changes are reported)
 * @param secretExpires when the client secret or key expires, for the 72-hour warning; null if never
 * @param assertion the workload identity JWT for jwt_bearer (from the environment), or null
 * @param assertionFile a file holding it, read at each token request (platforms rotate it), or null
 */
public record OAuthSettings(
        String grant,
        String clientId,
        String clientSecret,
        Method method,
        String privateKey,
        String signingAlgorithm,
        String scope,
        String resource,
        String issuer,
        Instant secretExpires,
        String assertion,
        java.nio.file.Path assertionFile) {

    public static final String CLIENT_CREDENTIALS = "client_credentials";
    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String JWT_BEARER = "jwt_bearer";
    static final String JWT_BEARER_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /** Token endpoint client authentication (RFC 6749 §2.3, RFC 7523, OpenID Connect Core §9). */
    public enum Method {
        CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, PRIVATE_KEY_JWT, NONE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Method fromWireName(String name) {
            for (Method m : values()) {
                if (m.wireName().equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("must be client_secret_basic, client_secret_post, private_key_jwt or none, got '"
                    + name + "'");
        }
    }

    /** True for the grants mcpwatch completes by itself, with no person's login. */
    public boolean isUnattended() {
        return CLIENT_CREDENTIALS.equals(grant) || JWT_BEARER.equals(grant);
    }

    @Override
    public String toString() {
        return "OAuthSettings[grant=" + grant + ", clientId=" + clientId + ", method=" + (method == null ? null : method.wireName())
                + ", scope=" + scope + ", issuer=" + issuer + ", secret=" + (clientSecret == null ? "none" : "(redacted)")
                + ", key=" + (privateKey == null ? "none" : "(redacted)") + ", assertion=" + (assertion == null ? "none" : "(redacted)")
                + ", assertionFile=" + assertionFile + "]";
    }
}
