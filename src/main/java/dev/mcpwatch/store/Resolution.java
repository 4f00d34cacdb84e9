package dev.mcpwatch.store;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.Locale;

/** The rollup resolutions and the length of their buckets (UTC-aligned). */
public enum Resolution {
    MINUTE(Duration.ofMinutes(1)),
    HOUR(Duration.ofHours(1)),
    DAY(Duration.ofDays(1));

    private final long millis;

    Resolution(Duration length) {
        this.millis = length.toMillis();
    }

    public long bucketStart(long epochMillis) {
        return Math.floorDiv(epochMillis, millis) * millis;
    }

    public long millis() {
        return millis;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
