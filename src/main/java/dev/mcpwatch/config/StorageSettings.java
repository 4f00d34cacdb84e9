package dev.mcpwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Where mcpwatch keeps its data: SQLite under ./data by default, PostgreSQL by JDBC URL. Raw probe
 * results are kept {@code rawRetention}; hour and day rollups {@code rollupRetention}; minute
 * rollups {@code minuteRollupRetention}: by default as long as raw results, from which they are
 * computed without a row of their own (at a 60 s interval there are as many minutes as probes); kept
 * longer, the minutes are stored as raw results expire. When the database cannot
 * be written, up to {@code bufferCapacity} results wait in memory.
 */
public record StorageSettings(String url, String username, String password, Duration rawRetention,
        Duration rollupRetention, @JsonProperty("buffer") int bufferCapacity, Duration minuteRollupRetention) {

    public static final String DEFAULT_URL = "jdbc:sqlite:./data/mcpwatch.db";
    public static final StorageSettings DEFAULT = new StorageSettings(DEFAULT_URL, null, null, Duration.ofDays(7),
            Duration.ofDays(400), 10_000);

    public static final Block<StorageSettings> BLOCK = Block.of("storage", StorageSettings.class, DEFAULT, """
            {
              "type": "object", "additionalProperties": false,
              "description": "where mcpwatch keeps its data (a change needs a restart)",
              "properties": {
                "url": {
                  "type": "string", "pattern": "^jdbc:(sqlite|postgresql):|[$][{]",
                  "errorMessage": "must be a jdbc:sqlite: or jdbc:postgresql: URL",
                  "description": "SQLite in ./data by default, nothing to set up; jdbc:postgresql://host:5432/db for production"
                },
                "username": {"$ref": "#/$defs/text"},
                "password": {"$ref": "#/$defs/secret"},
                "raw_retention": {"$ref": "#/$defs/duration", "description": "raw probe results are kept this long (at least 1h)"},
                "rollup_retention": {"$ref": "#/$defs/duration", "description": "hour and day rollups are kept this long (at least 1d)"},
                "minute_rollup_retention": {
                  "$ref": "#/$defs/duration",
                  "description": "minute rollups are kept this long (at least 1h, at most rollup_retention; default: raw_retention, from which they are computed; longer stores a row per monitor and minute)"
                },
                "buffer": {
                  "$ref": "#/$defs/integer", "minimum": 100, "maximum": 10000000,
                  "description": "results kept in memory while the database cannot be written; beyond this the oldest are dropped"
                }
              }
            }
            """).checkedBy(StorageSettings::check);

    public StorageSettings {
        minuteRollupRetention = minuteRollupRetention == null ? defaultMinutes(rawRetention, rollupRetention) : minuteRollupRetention;
    }

    /** Minute rollups kept as long as raw results (at most as long as hour and day rollups). */
    public StorageSettings(String url, String username, String password, Duration rawRetention, Duration rollupRetention,
            int bufferCapacity) {
        this(url, username, password, rawRetention, rollupRetention, bufferCapacity, null);
    }

    /** {@code storage:} over the defaults; minute rollups not given follow the retentions as written, not the default's. */
    public static StorageSettings read(Section at) {
        StorageSettings s = BLOCK.read(at, DEFAULT);
        return at.written("minute_rollup_retention") ? s
                : new StorageSettings(s.url(), s.username(), s.password(), s.rawRetention(), s.rollupRetention(), s.bufferCapacity());
    }

    private static void check(StorageSettings s, Section at) {
        if (s.rawRetention().compareTo(Duration.ofHours(1)) < 0) {
            at.at("raw_retention").problem("must be at least 1h, got " + s.rawRetention());
        }
        if (s.rollupRetention().compareTo(Duration.ofDays(1)) < 0) {
            at.at("rollup_retention").problem("must be at least 1d, got " + s.rollupRetention());
        }
        // not written, minutes follow raw_retention, whose own check speaks for it
        Duration minutes = s.minuteRollupRetention();
        if (at.written("minute_rollup_retention") && (minutes.compareTo(Duration.ofHours(1)) < 0 || minutes.compareTo(s.rollupRetention()) > 0)) {
            at.at("minute_rollup_retention").problem("must be at least 1h and at most rollup_retention (" + s.rollupRetention() + "), got "
                    + minutes);
        }
    }

    private static Duration defaultMinutes(Duration raw, Duration rollups) {
        return raw == null || rollups == null ? rollups : raw.compareTo(rollups) < 0 ? raw : rollups;
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
