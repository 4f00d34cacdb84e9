package dev.mcpwatch.dashboard;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Says how one tool list differs from the one before, for the monitor page's change history. The
 * dashboard ships {@link MinimalToolDiffer}; the drift detector (package {@code schema}) can take
 * its place by implementing this interface and being passed to {@link Dashboard} in {@code App}.
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
