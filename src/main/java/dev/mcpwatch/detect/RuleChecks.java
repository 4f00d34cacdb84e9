package dev.mcpwatch.detect;

import dev.mcpwatch.config.Section;
import java.time.Duration;

/** Checks the rules' settings share, for values written at a place (an inherited value was checked where it was written). */
final class RuleChecks {
    private RuleChecks() {}

    static void positive(Section at, String key, Duration d) {
        if (at.written(key) && d.isZero()) {
            at.at(key).problem("must be more than 0");
        }
    }

    /** Windows read from hourly rollups must be whole hours. */
    static void wholeHours(Section at, String key, Duration d, int minHours) {
        if (at.written(key) && (d.toMillis() % 3_600_000 != 0 || d.toHours() < minHours)) {
            at.at(key).problem("must be a whole number of hours, at least " + minHours + "h (it is read from hourly rollups), got "
                    + d.toMillis() / 60_000 + "m");
        }
    }

    /** A share in [min, max]; {@code 25%} and {@code 0.25} are the same, and the schema refuses a bare number above 1. */
    static void share(Section at, String key, double value, double min, double max) {
        if (at.written(key) && (value < min || value > max)) {
            at.at(key).problem("must be between " + percent(min) + " and " + percent(max) + ", got " + percent(value));
        }
    }

    static String percent(double share) {
        return (Math.round(share * 100_000) / 1000.0) + "%";
    }
}
