package dev.mcpwatch.incident;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Reason;
import java.util.Locale;

/**
 * Where a monitor stands: up → one failure → suspect → confirmed → down (or auth-walled) →
 * recovered → up.
 */
public enum MonitorStatus {
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

    public static MonitorStatus fromWireName(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** Confirmed failing (down or auth-walled): the monitor's incident is open. */
    public boolean confirmed() {
        return this == DOWN || this == AUTH_WALLED;
    }

    /** The confirmed status a failure puts a monitor in. */
    static MonitorStatus confirmedBy(Failure f) {
        return f.reason() == Reason.AUTH_REQUIRED ? AUTH_WALLED : DOWN;
    }
}
