package dev.mcpwatch.schema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * How a tool list differs from its baseline, with the server versions that went with each: the
 * changes, how many break clients, and whether the schema changed without a version bump — the
 * incident-response guide's warning sign that a deploy changed tools nobody announced.
 */
public record Drift(List<SchemaChange> changes, String versionBefore, String versionAfter) {

    public Drift {
        changes = List.copyOf(changes);
    }

    public static Drift between(JsonNode baselineTools, String baselineVersion, JsonNode tools, String version) {
        return new Drift(SchemaDiff.between(baselineTools, tools), baselineVersion, version);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    public long breakingCount() {
        return changes.stream().filter(SchemaChange::breaking).count();
    }

    public boolean breaking() {
        return breakingCount() > 0;
    }

    /** Whether anything but wording changed. */
    public boolean schemaChanged() {
        return changes.stream().anyMatch(SchemaChange::schemaChange);
    }

    public boolean versionBumped() {
        return !Objects.equals(versionBefore, versionAfter);
    }

    /** A schema change the server's version does not own up to. */
    public boolean unannounced() {
        return schemaChanged() && !versionBumped();
    }

    /**
     * One paragraph for the warning: how many changes, how many breaking, each in words (breaking
     * first), and the version bump or its absence.
     */
    public String summary() {
        if (changes.isEmpty()) {
            return "the tool list matches the baseline";
        }
        List<SchemaChange> ordered = new ArrayList<>(changes);
        ordered.sort(Comparator.comparing((SchemaChange c) -> !c.breaking()));
        StringBuilder s = new StringBuilder();
        s.append(changes.size()).append(changes.size() == 1 ? " change" : " changes").append(" to the tool list");
        long breaking = breakingCount();
        s.append(breaking == 0 ? " (none breaking)" : " (" + breaking + " breaking)").append(": ");
        s.append(String.join("; ", ordered.stream().map(c -> c.sentence() + (c.breaking() ? " [breaking]" : "")).toList()));
        if (unannounced()) {
            s.append(" — the schema changed without a version bump (")
                    .append(versionAfter == null ? "the server reports no version" : "server still reports version " + versionAfter)
                    .append(')');
        } else if (versionBumped()) {
            s.append(" — server version ").append(versionBefore == null ? "(none)" : versionBefore).append(" → ")
                    .append(versionAfter == null ? "(none)" : versionAfter);
        }
        return s.toString();
    }
}
