package dev.mcpwatch.detect;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Figures as the rules' messages write them: durations, milliseconds, shares, names. */
final class Words {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Words() {}

    static String duration(Duration d) {
        long minutes = d.toMinutes();
        if (minutes < 1) {
            return d.toSeconds() + " s";
        }
        if (minutes % (24 * 60) == 0 && minutes >= 3 * 24 * 60) {
            long days = minutes / (24 * 60);
            return days + (days == 1 ? " day" : " days");
        }
        if (minutes % 60 == 0) {
            return minutes / 60 + " h";
        }
        return minutes + " min";
    }

    static String ms(double ms) {
        return ms >= 100 ? Math.round(ms) + " ms" : String.format(Locale.ROOT, "%.1f ms", ms);
    }

    static String percent(double share) {
        double p = share * 100;
        return (p == Math.rint(p) ? Long.toString(Math.round(p)) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }

    static String times(double ratio) {
        return String.format(Locale.ROOT, "%.1f×", ratio);
    }

    static String day(long epochMillis) {
        return DAY.format(Instant.ofEpochMilli(epochMillis));
    }

    static String tools(List<String> names) {
        return String.join(", ", names.stream().map(n -> "`" + n + "`").toList());
    }
}
