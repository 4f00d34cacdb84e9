package dev.mcpwatch.dashboard;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Says how one tool list differs from the one before, for the monitor page's change history
 * ({@link SchemaToolDiffer}: the drift detector's words).
 */
@FunctionalInterface
public interface ToolDiffer {

    /**
     * The changes from {@code before} to {@code after}, both arrays of tool definitions as the
     * server listed them (name, description, inputSchema, outputSchema, annotations…).
     */
    List<ToolChange> diff(JsonNode before, JsonNode after);

    /** One change: the tool, what kind of change, the detail in words, and whether agents break on it. */
    record ToolChange(String tool, String kind, String detail, boolean breaking) {}
}
