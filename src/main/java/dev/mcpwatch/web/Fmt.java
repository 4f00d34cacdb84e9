package dev.mcpwatch.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How pages write times, durations, latencies and percentages (all times in UTC, said so). */
public final class Fmt {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MMM d, HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Fmt() {}

    public static String time(Long epochMillis) {
        return epochMillis == null ? "—" : TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    public static String shortTime(Long epochMillis) {
        return epochMillis == null ? "—" : SHORT.format(Instant.ofEpochMilli(epochMillis));
    }

    public static String day(long epochMillis) {
        return DAY.format(Instant.ofEpochMilli(epochMillis));
    }

    public static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** "4 s", "3 min", "2 h", "5 d". */
    public static String duration(Long ms) {
        if (ms == null) {
            return "—";
        }
        long s = Math.max(0, ms) / 1000;
        if (s < 90) {
            return s + " s";
        }
        if (s < 90 * 60) {
            return (s + 30) / 60 + " min";
        }
        if (s < 36 * 3600) {
            return String.format(Locale.ROOT, "%.1f h", s / 3600.0);
        }
        return String.format(Locale.ROOT, "%.1f d", s / 86400.0);
    }

    /**
     * A duration to the second for figures people compare (MTTD, MTTR): "45 s", "2 min 30 s",
     * "1 h 4 min", "2 d 3 h".
     */
    public static String elapsed(Double ms) {
        if (ms == null) {
            return "—";
        }
        long s = Math.round(Math.max(0, ms) / 1000);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s % 60 == 0 ? s / 60 + " min" : s / 60 + " min " + s % 60 + " s";
        }
        if (s < 86_400) {
            long m = (s + 30) / 60;
            return m % 60 == 0 ? m / 60 + " h" : m / 60 + " h " + m % 60 + " min";
        }
        long h = (s + 1800) / 3600;
        return h % 24 == 0 ? h / 24 + " d" : h / 24 + " d " + h % 24 + " h";
    }

    /** How long ago, from {@code now}: "12 s ago". */
    public static String ago(Long epochMillis, long now) {
        return epochMillis == null ? "never" : duration(now - epochMillis) + " ago";
    }

    public static String ms(Double ms) {
        if (ms == null) {
            return "—";
        }
        return ms < 10 ? String.format(Locale.ROOT, "%.1f ms", ms) : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    /** An availability (0…1) as a percentage with enough digits to tell 99.9 from 99.99. */
    public static String pct(Double ratio) {
        if (ratio == null) {
            return "—";
        }
        double p = ratio * 100;
        if (p >= 100) {
            return "100%";
        }
        return String.format(Locale.ROOT, p >= 99 ? "%.2f%%" : "%.1f%%", Math.floor(p * (p >= 99 ? 100 : 10)) / (p >= 99 ? 100 : 10));
    }

    /**
     * An availability or SLO attainment (0…1) with three decimals, rounded down so that 99.9996 % is
     * not shown as a perfect 100.000 %: "99.953 %".
     */
    public static String pct3(Double ratio) {
        if (ratio == null) {
            return "—";
        }
        // the epsilon keeps 0.99953 × 100,000 = 99,952.99999… from flooring a digit too far
        return String.format(Locale.ROOT, "%.3f %%", Math.floor(ratio * 100_000 + 1e-6) / 1000);
    }

    /** "1 minute", "3 minutes". */
    public static String minutes(long n) {
        return n == 1 ? "1 minute" : n + " minutes";
    }

    /** A number with a fixed point, for SVG coordinates (never a locale's comma). */
    public static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
