package dev.mcpwatch.config;


/**
 * The monitor process itself: where its API listens, its public URL (for links in alerts and
 * pages), the location name its probes report, and how many probes may run at once.
 */
public record ServerSettings(String host, int port, String publicUrl, String location, int maxConcurrentProbes) {
    public static final ServerSettings DEFAULT = new ServerSettings("127.0.0.1", 8080, null, "default", 256);
    /** A location names a scheduler task and appears in alerts: letters, digits, '.', '_' and '-', at most 40. */
    private static final java.util.regex.Pattern LOCATION = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");

    /** The same settings with another location (from {@code serve --location}). */
    public ServerSettings withLocation(String next) {
        return new ServerSettings(host, port, publicUrl, next, maxConcurrentProbes);
    }

    /** Null when {@code name} can be a location, else what is wrong with it. */
    public static String locationProblem(String name) {
        return name != null && LOCATION.matcher(name).matches() ? null
                : "must be 1 to 40 letters, digits, '.', '_' or '-' (starting with a letter or digit), got '" + name + "'";
    }

    public static final Block<ServerSettings> BLOCK = Block.of("server", ServerSettings.class, DEFAULT, """
            {
              "type": "object", "additionalProperties": false,
              "description": "the monitor process (a change needs a restart)",
              "properties": {
                "host": {"$ref": "#/$defs/text", "description": "where the API listens; 0.0.0.0 to listen on every interface"},
                "port": {"$ref": "#/$defs/integer", "minimum": 0, "maximum": 65535},
                "public_url": {"$ref": "#/$defs/text", "description": "used for links in alerts and pages (optional), an http(s) URL"},
                "location": {"$ref": "#/$defs/text", "description": "the name this node's probes report as their location"},
                "max_concurrent_probes": {
                  "$ref": "#/$defs/integer", "minimum": 1, "maximum": 100000,
                  "description": "probes running at once on this node (each on a virtual thread)"
                }
              }
            }
            """).checkedBy((s, at) -> {
                if (s.publicUrl() != null && !Links.isHttpUrl(s.publicUrl())) {
                    at.at("public_url").problem("must be an http(s) URL, got '" + s.publicUrl() + "'");
                }
                if (locationProblem(s.location()) != null) {
                    at.at("location").problem(locationProblem(s.location()));
                }
            });
}
