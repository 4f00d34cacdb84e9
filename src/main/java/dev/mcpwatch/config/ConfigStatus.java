package dev.mcpwatch.config;

/**
 * The configuration file as last watched: where it is, when it last loaded, and the error of the
 * last load that failed since (null while the file loads).
 */
public record ConfigStatus(String source, long loadedAt, String lastError, Long lastErrorAt) {}
