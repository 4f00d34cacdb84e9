package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * The two protocol eras. Legacy revisions open a session with {@code initialize}; modern ones
 * (2026-07-28 and later) carry version and capabilities on every request.
 */
public enum Era {
    LEGACY, MODERN;

    /** Revisions mcpwatch speaks, newest first. The first of each era is what the probe asks for. */
    public static final List<String> LEGACY_REVISIONS =
            List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
    public static final List<String> MODERN_REVISIONS = List.of("2026-07-28");

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String latestRevision() {
        return this == LEGACY ? LEGACY_REVISIONS.getFirst() : MODERN_REVISIONS.getFirst();
    }

    /** The era of a revision string, or null when mcpwatch does not know that revision. */
    public static Era ofRevision(String revision) {
        if (LEGACY_REVISIONS.contains(revision)) {
            return LEGACY;
        }
        if (MODERN_REVISIONS.contains(revision)) {
            return MODERN;
        }
        return null;
    }
}
