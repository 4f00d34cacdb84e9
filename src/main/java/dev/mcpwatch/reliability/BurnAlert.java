package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import java.time.Duration;
import java.util.List;

/**
 * One alert of the SRE workbook's multi-window, multi-burn-rate method: it burns while the error
 * budget is being spent at least {@code factor} times as fast as the SLO allows, over the long
 * window and over the short one. The long window keeps one bad minute from paging; the short one
 * lets the alert stop soon after the burn does.
 */
public record BurnAlert(Duration longWindow, Duration shortWindow, double factor, Severity severity) {

    /**
     * The workbook's three: 14.4× over 1 h and 5 min (2 % of a 30-day budget in an hour) and 6× over
     * 6 h and 30 min (5 % in six hours) page; 1× over 3 d and 6 h (10 % in three days) is a ticket.
     * mcpwatch's pages are P1 routes, its tickets P3 (the digest).
     */
    public static final List<BurnAlert> DEFAULTS = List.of(
            new BurnAlert(Duration.ofHours(1), Duration.ofMinutes(5), 14.4, Severity.P1),
            new BurnAlert(Duration.ofHours(6), Duration.ofMinutes(30), 6, Severity.P1),
            new BurnAlert(Duration.ofDays(3), Duration.ofHours(6), 1, Severity.P3));

    public BurnAlert {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("a burn-rate factor must be above 0, got " + factor);
        }
        if (shortWindow.compareTo(longWindow) >= 0) {
            throw new IllegalArgumentException("the short window (" + Windows.words(shortWindow) + ") must be shorter than the long one ("
                    + Windows.words(longWindow) + ")");
        }
        if (shortWindow.compareTo(Duration.ofMinutes(1)) < 0 || shortWindow.toMillis() % 60_000 != 0 || longWindow.toMillis() % 60_000 != 0) {
            throw new IllegalArgumentException("burn-rate windows are whole minutes (rollups are per minute), got "
                    + Windows.words(longWindow) + " and " + Windows.words(shortWindow));
        }
    }

    /** The alert's name within its SLO, e.g. {@code 1h/5m}: part of its dedup key. */
    public String name() {
        return Windows.words(longWindow) + "/" + Windows.words(shortWindow);
    }

    /** Whether both windows burn at least the factor (a window without events does not burn). */
    public boolean burning(Double longBurn, Double shortBurn) {
        return longBurn != null && shortBurn != null && longBurn >= factor && shortBurn >= factor;
    }
}
