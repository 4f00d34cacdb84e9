package dev.mcpwatch.reliability;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What ended an incident, as recorded on it: its probes recovered; they recovered after mcpwatch's
 * own remediation (a restart hook) acted; or its monitor was removed while it was open, which
 * restores nothing.
 */
public enum ResolvedBy {
    RECOVERY, REMEDIATION, REMOVAL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ResolvedBy fromWireName(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
