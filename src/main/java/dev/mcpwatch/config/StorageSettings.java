package dev.mcpwatch.config;

import java.time.Duration;

/**
 * Where mcpwatch keeps its data: SQLite under ./data by default, PostgreSQL by JDBC URL. Raw probe
 * results are kept {@code rawRetention}; hour and day rollups {@code rollupRetention}; minute
 * rollups {@code minuteRollupRetention} (the same by default; a large fleet may keep them shorter,
 * since there are as many of them as probes at a 60 s interval). When the database cannot be
 * written, up to {@code bufferCapacity} results wait in memory.
 */
public record StorageSettings(String url, String username, String password, Duration rawRetention,
        Duration rollupRetention, int bufferCapacity, Duration minuteRollupRetention) {

    public static final String DEFAULT_URL = "jdbc:sqlite:./data/mcpwatch.db";
    public static final StorageSettings DEFAULT = new StorageSettings(DEFAULT_URL, null, null, Duration.ofDays(7),
            Duration.ofDays(400), 10_000);

    public StorageSettings {
        minuteRollupRetention = minuteRollupRetention == null ? rollupRetention : minuteRollupRetention;
    }

    /** Minute rollups kept as long as hour and day rollups. */
    public StorageSettings(String url, String username, String password, Duration rawRetention, Duration rollupRetention,
            int bufferCapacity) {
        this(url, username, password, rawRetention, rollupRetention, bufferCapacity, null);
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    public boolean isSqlite() {
        return url.startsWith("jdbc:sqlite:");
    }

    @Override
    public String toString() {
        return "StorageSettings[url=" + url + ", username=" + username + ", password=" + (password == null ? null : "(redacted)")
                + ", rawRetention=" + rawRetention + ", rollupRetention=" + rollupRetention + ", minuteRollupRetention=" + minuteRollupRetention
                + "]";
    }
}
