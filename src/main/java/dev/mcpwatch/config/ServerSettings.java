package dev.mcpwatch.config;

/**
 * The monitor process itself: where its API listens, its public URL (for links in alerts and
 * pages), the location name its probes report, and how many probes may run at once.
 */
public record ServerSettings(String host, int port, String publicUrl, String location, int maxConcurrentProbes) {
    public static final ServerSettings DEFAULT = new ServerSettings("127.0.0.1", 8080, null, "default", 256);
}
