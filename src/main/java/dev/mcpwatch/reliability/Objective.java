package dev.mcpwatch.reliability;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What an SLO counts as a good event. Availability: a healthy probe (or, for a tool, a health call
 * that succeeded) of all probes (calls). Latency: a healthy probe whose total time was under the
 * threshold, of all healthy probes — a failed probe is availability's to count, not latency's.
 */
public enum Objective {
    AVAILABILITY, LATENCY;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
