package dev.mcpwatch.dashboard;

import dev.mcpwatch.schema.SchemaChange;
import dev.mcpwatch.schema.SchemaDiff;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * The monitor page's tool-change history, told by the drift detector's differ ({@link SchemaDiff}):
 * the same words and the same breaking/non-breaking call an operator gets in a drift alert.
 */
final class SchemaToolDiffer implements ToolDiffer {

    @Override
    public List<ToolChange> diff(JsonNode before, JsonNode after) {
        return SchemaDiff.between(before, after).stream()
                .map(c -> new ToolChange(c.tool(), words(c.kind()), detail(c), c.breaking()))
                .toList();
    }

    /** The differ's sentence; for wording, also the words before and after, since the sentence only says they changed. */
    private static String detail(SchemaChange c) {
        if (c.kind() == SchemaChange.Kind.DESCRIPTION_CHANGED && c.from() != null && c.to() != null) {
            return c.sentence() + ": " + c.from() + " → " + c.to();
        }
        return c.sentence();
    }

    private static String words(SchemaChange.Kind kind) {
        return kind.wireName().replace('_', ' ').toLowerCase(Locale.ROOT);
    }
}
