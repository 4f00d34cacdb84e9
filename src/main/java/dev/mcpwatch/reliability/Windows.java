package dev.mcpwatch.reliability;

import dev.mcpwatch.store.Resolution;
import java.time.Duration;

/** Rolling windows that end now, as the rollups can count them. */
public final class Windows {
    private Windows() {}

    /**
     * The minutes of a window of {@code length} that ends at {@code now}: the minute in progress and
     * those before it, {@code [start, end)} by bucket start. A 5-minute window at 12:07:30 is the
     * minutes 12:03 to 12:07.
     */
    public static Span ending(long now, Duration length) {
        long end = Resolution.MINUTE.bucketStart(now) + Resolution.MINUTE.millis();
        return new Span(end - length.toMillis(), end);
    }

    /** {@code 5m}, {@code 1h}, {@code 3d}, {@code 90m}: the largest unit that divides it. */
    public static String words(Duration d) {
        long s = d.toSeconds();
        if (s > 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s > 0 && s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s > 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
