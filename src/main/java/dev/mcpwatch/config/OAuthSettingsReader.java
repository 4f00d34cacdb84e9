package dev.mcpwatch.config;

import dev.mcpwatch.oauth.OAuthSettings;
import dev.mcpwatch.probe.Transport;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/** Reads a monitor's {@code auth:} block into {@link OAuthSettings}, with a problem per wrong field. */
final class OAuthSettingsReader {
    static final Set<String> KEYS = Set.of("grant", "client_id", "client_secret", "method", "private_key", "signing_algorithm", "scope",
            "resource", "issuer", "secret_expires", "assertion", "assertion_file");
    /** Values that are secrets: they must come from the environment, never be written in the file. */
    static final Set<String> SECRETS = Set.of("client_secret", "private_key", "assertion");
    private static final Set<String> ALGORITHMS = Set.of("ES256", "ES384", "RS256", "PS256");

    private OAuthSettingsReader() {}

    static OAuthSettings read(Node a, Transport transport) {
        if (a.isMissing() || !a.requireObject()) {
            return null;
        }
        a.allowOnly(KEYS);
        if (transport == Transport.STDIO) {
            a.problem("is for HTTP servers; a stdio server gets its credentials from env");
        }
        String grant = a.requiredString("grant");
        if (grant != null && !Set.of(OAuthSettings.CLIENT_CREDENTIALS, OAuthSettings.JWT_BEARER, OAuthSettings.AUTHORIZATION_CODE)
                .contains(grant)) {
            a.get("grant").problem("must be client_credentials (machine to machine), jwt_bearer (a workload identity token) or "
                    + "authorization_code (a person logs in once with `mcpwatch auth login`), got '" + grant + "'");
            grant = null;
        }
        String clientId = a.string("client_id", null);
        String secret = a.string("client_secret", null);
        String key = a.string("private_key", null);
        OAuthSettings.Method method = null;
        String methodName = a.string("method", null);
        if (methodName != null) {
            try {
                method = OAuthSettings.Method.fromWireName(methodName);
            } catch (IllegalArgumentException e) {
                a.get("method").problem(e.getMessage());
            }
        }
        if (OAuthSettings.CLIENT_CREDENTIALS.equals(grant)) {
            if (clientId == null) {
                a.get("client_id").problem("is required for client_credentials");
            }
            // Present counts, even empty: ${VAR:-} of an unset variable; the probe then says it is empty.
            if (!a.has("client_secret") && !a.has("private_key")) {
                a.problem("client_credentials needs client_secret or private_key (from the environment, e.g. ${MCP_CLIENT_SECRET})");
            }
        }
        String assertion = a.string("assertion", null);
        String assertionFile = a.string("assertion_file", null);
        if (OAuthSettings.JWT_BEARER.equals(grant) && a.has("assertion") == a.has("assertion_file")) {
            a.problem("jwt_bearer needs one of assertion (from the environment, e.g. ${WORKLOAD_TOKEN}) or assertion_file "
                    + "(a file the platform keeps fresh)");
        }
        if (method == OAuthSettings.Method.PRIVATE_KEY_JWT && !a.has("private_key")) {
            a.get("private_key").problem("is required for method private_key_jwt (a PKCS#8 PEM, e.g. ${MCP_CLIENT_KEY})");
        }
        if ((method == OAuthSettings.Method.CLIENT_SECRET_BASIC || method == OAuthSettings.Method.CLIENT_SECRET_POST)
                && !a.has("client_secret")) {
            a.get("client_secret").problem("is required for method " + methodName);
        }
        if (key != null && !key.isEmpty() && !key.contains("-----BEGIN PRIVATE KEY-----")) {
            a.get("private_key").problem("must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----; the value is not shown)");
        }
        String alg = a.string("signing_algorithm", null);
        if (alg != null && !ALGORITHMS.contains(alg)) {
            a.get("signing_algorithm").problem("must be one of " + String.join(", ", ALGORITHMS.stream().sorted().toList()) + ", got '"
                    + alg + "'");
            alg = null;
        }
        String resource = url(a, "resource");
        String issuer = url(a, "issuer");
        Instant expires = null;
        String expiresText = a.string("secret_expires", null);
        if (expiresText != null) {
            try {
                expires = Instant.parse(expiresText);
            } catch (DateTimeParseException e) {
                a.get("secret_expires").problem("must be a time like 2027-01-31T00:00:00Z, got '" + expiresText + "'");
            }
        }
        return grant == null ? null : new OAuthSettings(grant, clientId, secret, method, key, alg, a.string("scope", null), resource, issuer,
                expires, assertion, assertionFile == null ? null : java.nio.file.Path.of(assertionFile));
    }

    private static String url(Node a, String key) {
        String v = a.string(key, null);
        if (v != null && !v.matches("https?://[^\\s/]+.*")) {
            a.get(key).problem("must be an http(s) URL, got '" + v + "'");
            return null;
        }
        return v;
    }
}
