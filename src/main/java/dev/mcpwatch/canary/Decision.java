package dev.mcpwatch.canary;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What to do with the canary. {@code mcpwatch canary} answers promote, rollback or inconclusive;
 * a continuous canary in {@code serve} answers hold while the current stage's gate is not yet met.
 */
public enum Decision {
    PROMOTE, HOLD, ROLLBACK, INCONCLUSIVE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
