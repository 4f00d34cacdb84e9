package dev.mcpwatch.configfile;


import dev.mcpwatch.config.Binding;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.oauth.OAuthSettings;
import dev.mcpwatch.probe.Transport;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * A monitor's {@code auth:} block: its schema, and the checks that join its keys (which grant needs
 * which credential) before it becomes {@link OAuthSettings}.
 */
final class OAuthSettingsReader {
    /** Values that are secrets: they must come from the environment, never be written in the file. */
    static final Set<String> SECRETS = Set.of("client_secret", "private_key", "assertion");

    /** The block as written. */
    record Written(String grant, String clientId, String clientSecret, String method, String privateKey, String signingAlgorithm,
            String scope, String resource, String issuer, String secretExpires, String assertion, String assertionFile) {}

    private static final String SCHEMA = """
            {
              "type": "object", "additionalProperties": false, "required": ["grant"],
              "description": "OAuth for a server behind an authorization server: how mcpwatch gets its access tokens",
              "properties": {
                "grant": {
                  "enum": ["client_credentials", "jwt_bearer", "authorization_code"],
                  "errorMessage": "must be client_credentials (machine to machine), jwt_bearer (a workload identity token) or authorization_code (a person logs in once with `mcpwatch auth login`)"
                },
                "client_id": {"$ref": "#/$defs/text", "description": "the registered client id; for authorization_code, unset for dynamic registration"},
                "client_secret": {"$ref": "#/$defs/secret", "description": "from the environment, e.g. ${MCP_CLIENT_SECRET}"},
                "method": {
                  "enum": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
                  "errorMessage": "must be client_secret_basic, client_secret_post, private_key_jwt or none",
                  "description": "how the client authenticates at the token endpoint"
                },
                "private_key": {"$ref": "#/$defs/secret", "description": "a PKCS#8 PEM private key for private_key_jwt, from the environment"},
                "signing_algorithm": {"enum": ["ES256", "ES384", "PS256", "RS256"], "description": "for private_key_jwt (default ES256)"},
                "scope": {"$ref": "#/$defs/text", "description": "unset: from the server's challenge or metadata"},
                "resource": {"$ref": "#/$defs/text", "description": "the RFC 8707 resource, an http(s) URL"},
                "issuer": {"$ref": "#/$defs/text", "description": "the only authorization server mcpwatch sends credentials to, an http(s) URL"},
                "secret_expires": {"$ref": "#/$defs/text", "description": "when the client secret or key expires, like 2027-01-31T00:00:00Z (warned 72h before)"},
                "assertion": {"$ref": "#/$defs/secret", "description": "jwt_bearer: the workload identity token, from the environment"},
                "assertion_file": {"$ref": "#/$defs/text", "description": "jwt_bearer: a file holding it, which the platform keeps fresh"}
              }
            }
            """;

    private static final Set<String> GRANTS = Set.of(OAuthSettings.CLIENT_CREDENTIALS, OAuthSettings.JWT_BEARER, OAuthSettings.AUTHORIZATION_CODE);

    private OAuthSettingsReader() {}

    static ObjectNode schema() {
        return (ObjectNode) Binding.MAPPER.readTree(SCHEMA);
    }

    /** The block at {@code a}, or null when there is none or it cannot be used (its problems are reported). */
    static OAuthSettings read(Section a, Transport transport, Map<String, String> headers) {
        Written w = a.bind(Written.class);
        if (w == null) {
            return null;
        }
        if (transport == Transport.STDIO) {
            a.problem("is for HTTP servers; a stdio server gets its credentials from env");
        }
        if (headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Authorization"))) {
            a.problem("and an Authorization header both set credentials; keep one");
        }
        String grant = w.grant() != null && GRANTS.contains(w.grant()) ? w.grant() : null;
        OAuthSettings.Method method = w.method() == null ? null : OAuthSettings.Method.fromWireName(w.method());
        if (OAuthSettings.CLIENT_CREDENTIALS.equals(grant)) {
            if (w.clientId() == null) {
                a.at("client_id").problem("is required for client_credentials");
            }
            // An empty secret counts as given: the probe then says it is empty.
            if (!given(a, "client_secret") && !given(a, "private_key")) {
                a.problem("client_credentials needs client_secret or private_key (from the environment, e.g. ${MCP_CLIENT_SECRET})");
            }
        }
        if (OAuthSettings.JWT_BEARER.equals(grant) && given(a, "assertion") == given(a, "assertion_file")) {
            a.problem("jwt_bearer needs one of assertion (from the environment, e.g. ${WORKLOAD_TOKEN}) or assertion_file "
                    + "(a file the platform keeps fresh)");
        }
        if (method == OAuthSettings.Method.PRIVATE_KEY_JWT && !given(a, "private_key")) {
            a.at("private_key").problem("is required for method private_key_jwt (a PKCS#8 PEM, e.g. ${MCP_CLIENT_KEY})");
        }
        if ((method == OAuthSettings.Method.CLIENT_SECRET_BASIC || method == OAuthSettings.Method.CLIENT_SECRET_POST)
                && !given(a, "client_secret")) {
            a.at("client_secret").problem("is required for method " + w.method());
        }
        String key = w.privateKey();
        if (key != null && !key.isEmpty() && !key.contains("-----BEGIN PRIVATE KEY-----")) {
            a.at("private_key").problem("must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----; the value is not shown)");
        }
        Instant expires = null;
        if (w.secretExpires() != null) {
            try {
                expires = Instant.parse(w.secretExpires());
            } catch (DateTimeParseException e) {
                a.at("secret_expires").problem("must be a time like 2027-01-31T00:00:00Z, got '" + w.secretExpires() + "'");
            }
        }
        return grant == null ? null : new OAuthSettings(grant, w.clientId(), w.clientSecret(), method, key, w.signingAlgorithm(), w.scope(),
                url(a, "resource", w.resource()), url(a, "issuer", w.issuer()), expires, w.assertion(),
                w.assertionFile() == null ? null : Path.of(w.assertionFile()));
    }

    /** Written with a value, even an empty one ({@code ${VAR:-}} of an unset variable). */
    private static boolean given(Section a, String key) {
        return !a.at(key).isMissing();
    }

    private static String url(Section a, String key, String value) {
        if (value != null && !value.matches("https?://[^\\s/]+.*")) {
            a.at(key).problem("must be an http(s) URL, got '" + value + "'");
            return null;
        }
        return value;
    }
}
