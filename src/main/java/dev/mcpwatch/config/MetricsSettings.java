package dev.mcpwatch.config;

/**
 * Who may read {@code /metrics} ({@code web.metrics:}). By default anyone on this machine (a request
 * from a loopback address) and nobody else. With a {@code token}, every scrape must send it as
 * {@code Authorization: Bearer}; with a {@code username} and {@code password}, as HTTP basic
 * authentication — from any address, loopback too. {@code allow_remote: true} opens it to every
 * address without credentials (for a private network whose scraper cannot send any).
 */
public record MetricsSettings(String token, String username, String password, boolean allowRemote) {
    public static final MetricsSettings DEFAULT = new MetricsSettings(null, null, null, false);

    /** Whether a scrape must carry credentials. */
    public boolean needsCredentials() {
        return token != null || username != null;
    }

    static final String SCHEMA = """
            {
              "type": "object", "additionalProperties": false,
              "description": "who may read /metrics: by default requests from this machine (loopback) only",
              "properties": {
                "token": {"$ref": "#/$defs/secret", "description": "a token every scrape sends as Authorization: Bearer (from ${ENV}); then loopback needs it too"},
                "username": {"type": ["string", "null"], "description": "with password: HTTP basic authentication for every scrape"},
                "password": {"$ref": "#/$defs/secret", "description": "the basic-authentication password (from ${ENV})"},
                "allow_remote": {"$ref": "#/$defs/boolean", "description": "true lets every address read /metrics without credentials"}
              }
            }""";

    static void check(MetricsSettings m, Section at) {
        if (m.token() != null && m.username() != null) {
            at.at("token").problem("set either token or username and password, not both");
        }
        if ((m.username() == null) != (m.password() == null)) {
            at.at(m.username() == null ? "username" : "password").problem("username and password go together: set both or neither");
        }
        if (m.token() != null && m.token().length() < 16) {
            at.at("token").problem("must be at least 16 characters, got " + m.token().length());
        }
    }
}
