package dev.mcpwatch.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or bare seconds. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");

    /** The longest duration any setting takes: ten years, far beyond any retention, far below an overflow. */
    public static final Duration MAX = Duration.ofDays(3650);
    static final String MAX_TEXT = "3650d";

    private Durations() {}

    /** A duration beyond {@link #MAX}. */
    public static final class OutOfRange extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        OutOfRange(String text) {
            super("'" + text + "' is longer than the longest duration mcpwatch takes, " + MAX_TEXT);
        }
    }

    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 500ms, 10s, 2m, 1h)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> n;
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 86_400_000;
        };
        if (millis > MAX.toMillis()) {
            throw new OutOfRange(text);
        }
        return Duration.ofMillis(Math.round(millis));
    }

    /** The shortest exact way to write {@code d}: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        return ms % 60_000 != 0 ? ms / 1000 + "s" : ms % 3_600_000 != 0 ? ms / 60_000 + "m" : ms % 86_400_000 != 0 ? ms / 3_600_000 + "h"
                : ms / 86_400_000 + "d";
    }

    /** A picocli converter, so options can be typed {@link Duration}. */
    public static final class Converter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parse(value);
        }
    }

    /** A duration in problems, as the hand-written reader wrote it: {@code 500ms}, {@code 30s}, {@code 90m}. */
    public static String pretty(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 ? ms / 1000 + "s" : ms / 60_000 + "m";
    }
}
