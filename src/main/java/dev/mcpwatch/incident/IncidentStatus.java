package dev.mcpwatch.incident;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether an incident is still open. A monitor has at most one open incident at a time. */
public enum IncidentStatus {
    OPEN, RESOLVED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static IncidentStatus fromWireName(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
