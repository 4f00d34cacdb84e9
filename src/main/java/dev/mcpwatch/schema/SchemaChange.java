package dev.mcpwatch.schema;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * One difference between two tool lists, named in plain words ("parameter `city` of tool
 * `get_weather` changed type from string to number") and classified: breaking when a client built
 * for the old list can fail against the new one (a removed or renamed tool, a new required
 * parameter, a narrowed type, a removed enum value…), non-breaking otherwise.
 *
 * @param tool the tool's name (for a rename, the old one)
 * @param subject what in the tool changed: a parameter path ({@code options.units}, {@code tags[]}),
 *     an annotation or keyword name; null for a whole tool
 * @param from the old value in words (a type, a name, JSON), or null
 * @param to the new value in words, or null
 */
public record SchemaChange(Kind kind, String tool, String subject, String from, String to, boolean breaking, String sentence) {

    /** The kinds of change the differ names. */
    public enum Kind {
        TOOL_ADDED, TOOL_REMOVED, TOOL_RENAMED,
        PARAMETER_ADDED, PARAMETER_REMOVED, TYPE_CHANGED, REQUIRED_CHANGED, ENUM_CHANGED,
        /** Any other keyword of a parameter or of the input object ({@code maximum}, {@code pattern}, {@code additionalProperties}…). */
        CONSTRAINT_CHANGED,
        OUTPUT_SCHEMA_CHANGED, ANNOTATIONS_CHANGED,
        /** A title or description, of a tool or of a parameter: wording only. */
        DESCRIPTION_CHANGED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether this changes what a client can send or get, not only wording (a parameter's description is wording too). */
    public boolean schemaChange() {
        return kind != Kind.DESCRIPTION_CHANGED;
    }
}
