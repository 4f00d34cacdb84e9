package dev.mcpwatch.config;

import java.time.Duration;

/**
 * Where mcpwatch keeps its data: SQLite under ./data by default, PostgreSQL by JDBC URL. Raw probe
 * results are kept {@code rawRetention}; minute/hour/day rollups {@code rollupRetention}. When the
 * database cannot be written, up to {@code bufferCapacity} results wait in memory.
 */
public record StorageSettings(String url, String username, String password, Duration rawRetention,
        Duration rollupRetention, int bufferCapacity) {

    public static final String DEFAULT_URL = "jdbc:sqlite:./data/mcpwatch.db";
    public static final StorageSettings DEFAULT = new StorageSettings(DEFAULT_URL, null, null, Duration.ofDays(7),
            Duration.ofDays(400), 10_000);

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    public boolean isSqlite() {
        return url.startsWith("jdbc:sqlite:");
    }

    @Override
    public String toString() {
        return "StorageSettings[url=" + url + ", username=" + username + ", password=" + (password == null ? null : "(redacted)")
                + ", rawRetention=" + rawRetention + ", rollupRetention=" + rollupRetention + "]";
    }
}
