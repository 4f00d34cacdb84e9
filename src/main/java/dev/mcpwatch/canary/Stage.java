package dev.mcpwatch.canary;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;

/**
 * The canary guide's progression: the share of traffic the canary takes, and how long it must hold
 * each share before the next (5 % for 30 minutes, 25 % for an hour, 50 % for an hour, then all).
 */
public enum Stage {
    FIVE(5, Duration.ofMinutes(30)),
    TWENTY_FIVE(25, Duration.ofHours(1)),
    FIFTY(50, Duration.ofHours(1)),
    ALL(100, Duration.ZERO);

    private final int percent;
    private final Duration minimum;

    Stage(int percent, Duration minimum) {
        this.percent = percent;
        this.minimum = minimum;
    }

    @JsonValue
    public int percent() {
        return percent;
    }

    /** How long the canary must hold this stage before the next. */
    public Duration minimum() {
        return minimum;
    }

    /** The next stage, or null at 100 %. */
    public Stage next() {
        return this == ALL ? null : values()[ordinal() + 1];
    }

    public static Stage of(int percent) {
        for (Stage s : values()) {
            if (s.percent == percent) {
                return s;
            }
        }
        throw new IllegalArgumentException("a canary stage is 5, 25, 50 or 100 (percent of traffic), not " + percent);
    }
}
