package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What the TLS handshake showed, recorded even when validation failed so that an expired or
 * untrusted certificate can be described. {@code daysLeft} follows {@link #daysLeft(Instant, Instant)},
 * the one rule for a certificate's days wherever they are shown: negative once expired.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TlsInfo(
        String version,
        String cipher,
        String subject,
        String issuer,
        Instant notAfter,
        Long daysLeft,
        Boolean hostnameMatch,
        Boolean chainValid,
        String chainError) {

    private static final long DAY_MS = 86_400_000L;

    /**
     * Days left on a certificate at {@code at}: the floor of the remaining time in days. 0 in its
     * last day, −1 in the first day after it expired, −2 in the second. Every place that shows a
     * certificate's days (probe results, the CLI, warnings, pages) uses this.
     */
    public static long daysLeft(Instant notAfter, Instant at) {
        return Math.floorDiv(notAfter.toEpochMilli() - at.toEpochMilli(), DAY_MS);
    }

    /** {@code daysLeft} relative to now, in words: "in 3 days", "within a day", "less than a day ago", "1 day ago". */
    public static String relative(long daysLeft) {
        if (daysLeft >= 1) {
            return "in " + days(daysLeft);
        }
        if (daysLeft == 0) {
            return "within a day";
        }
        // −1: expired in the last 24 h; −2: between one and two days ago, i.e. one whole day ago.
        return daysLeft == -1 ? "less than a day ago" : days(-daysLeft - 1) + " ago";
    }

    /** "expires in 3 days", "expired 1 day ago". */
    public static String expiry(long daysLeft) {
        return (daysLeft >= 0 ? "expires " : "expired ") + relative(daysLeft);
    }

    private static String days(long n) {
        return n == 1 ? "1 day" : n + " days";
    }
}
