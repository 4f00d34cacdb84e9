package dev.mcpwatch.config;

import java.time.Duration;

/**
 * The monitor process itself: where its API listens, its public URL (for links in alerts and
 * pages), the location name its probes report, how many probes may run at once, and how often it
 * looks in the database for probes that have come due ({@code pollInterval}): a due probe waits for
 * the next look, so this bounds how late a probe starts on a node that keeps up, and each look is a
 * query, so it is also the idle cost.
 */
public record ServerSettings(String host, int port, String publicUrl, String location, int maxConcurrentProbes, Duration pollInterval) {
    /** Lateness at most a quarter of a second, for four small queries a second. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
    static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(50);
    static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(30);
    public static final ServerSettings DEFAULT = new ServerSettings("127.0.0.1", 8080, null, "default", 256, DEFAULT_POLL_INTERVAL);
    /** A location names a scheduler task and appears in alerts: letters, digits, '.', '_' and '-', at most 40. */
    private static final java.util.regex.Pattern LOCATION = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");

    /** The same settings with another location (from {@code serve --location}). */
    public ServerSettings withLocation(String next) {
        return new ServerSettings(host, port, publicUrl, next, maxConcurrentProbes, pollInterval);
    }

    /** Settings with the default poll interval. */
    public ServerSettings(String host, int port, String publicUrl, String location, int maxConcurrentProbes) {
        this(host, port, publicUrl, location, maxConcurrentProbes, DEFAULT_POLL_INTERVAL);
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
                },
                "poll_interval": {
                  "$ref": "#/$defs/duration",
                  "description": "how often this node looks in the database for probes that have come due, 50ms to 30s: a probe starts up to this late, and each look is one query"
                }
              }
            }
            """).checkedBy((s, at) -> {
                if (s.publicUrl() != null && !Links.isHttpUrl(s.publicUrl())) {
                    at.at("public_url").problem("must be an http(s) URL, got '" + s.publicUrl() + "'");
                }
                if (s.pollInterval().compareTo(MIN_POLL_INTERVAL) < 0 || s.pollInterval().compareTo(MAX_POLL_INTERVAL) > 0) {
                    at.at("poll_interval").problem("must be between " + Durations.format(MIN_POLL_INTERVAL) + " and "
                            + Durations.format(MAX_POLL_INTERVAL) + ", got " + Durations.format(s.pollInterval()));
                }
                if (locationProblem(s.location()) != null) {
                    at.at("location").problem(locationProblem(s.location()));
                }
            });
}
