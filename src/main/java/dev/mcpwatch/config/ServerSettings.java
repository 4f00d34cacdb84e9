package dev.mcpwatch.config;


/**
 * The monitor process itself: where its API listens, its public URL (for links in alerts and
 * pages), the location name its probes report, and how many probes may run at once.
 */
public record ServerSettings(String host, int port, String publicUrl, String location, int maxConcurrentProbes) {
    public static final ServerSettings DEFAULT = new ServerSettings("127.0.0.1", 8080, null, "default", 256);

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
            });
}
