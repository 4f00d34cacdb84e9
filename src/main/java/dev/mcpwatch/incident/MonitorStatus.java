package dev.mcpwatch.incident;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a monitor stands: up → one failure → suspect → confirmed → down → recovered → up. */
public enum MonitorStatus {
    /** Not probed yet. */
    UNKNOWN,
    UP,
    /** Failing, not yet confirmed: fewer than the failure threshold in a row. */
    SUSPECT,
    /** Confirmed down: an incident is open until enough successes in a row. */
    DOWN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MonitorStatus fromWireName(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
