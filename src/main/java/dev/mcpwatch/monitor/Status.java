package dev.mcpwatch.monitor;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a monitor stands: up → one failure → suspect → confirmed → down (or auth-walled) →
 * recovered → up.
 */
public enum Status {
    /** Not probed yet. */
    UNKNOWN,
    UP,
    /** Failing, not yet confirmed: fewer than the failure threshold in a row. */
    SUSPECT,
    /** Confirmed down: an incident is open until enough successes in a row. */
    DOWN,
    /**
     * Confirmed behind an authentication wall ({@code auth_required}): the server is reachable and
     * speaks HTTP, but mcpwatch has no valid credentials for it, so nothing is known of its health.
     * An incident is open, as for down, until enough successes in a row.
     */
    AUTH_WALLED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Status fromWireName(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** Confirmed failing (down or auth-walled): the monitor's incident is open. */
    public boolean confirmed() {
        return this == DOWN || this == AUTH_WALLED;
    }

    /** The confirmed status a failure puts a monitor in. */
    static Status confirmedBy(dev.mcpwatch.probe.Failure f) {
        return f.reason() == dev.mcpwatch.probe.Reason.AUTH_REQUIRED ? AUTH_WALLED : DOWN;
    }
}
