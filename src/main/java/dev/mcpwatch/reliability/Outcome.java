package dev.mcpwatch.reliability;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How an incident of the record ended, for "remediated vs human-resolved": remediated (recovered
 * after mcpwatch's remediation acted), human (someone acknowledged it before it recovered),
 * unattended (it recovered with nobody acknowledging it), withdrawn (its monitor was removed while it
 * was open: nothing was restored, so it has no time to restore), or still open.
 */
public enum Outcome {
    REMEDIATED, HUMAN, UNATTENDED, WITHDRAWN, OPEN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether service was restored: the incidents MTTR is made of. */
    public boolean restored() {
        return this == REMEDIATED || this == HUMAN || this == UNATTENDED;
    }
}
