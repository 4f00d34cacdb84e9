package dev.mcpwatch.canary;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The two sides of a canary deploy: the version serving most traffic, and the new one on trial. */
public enum Side {
    STABLE, CANARY;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
