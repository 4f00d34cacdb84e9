package dev.mcpwatch.probe;

import dev.mcpwatch.schema.ToolFingerprint;
import tools.jackson.databind.JsonNode;

/**
 * A tool as a {@code tools/list} page delivered it: its snapshot and its part of the wording
 * fingerprint, both taken from the tree while the parse still holds it. The wording part used to be
 * computed later by parsing the snapshot's definition text again, which was a tenth of what a probe
 * allocated (bench/README.md).
 */
record ListedTool(ToolSnapshot snapshot, String wording) {

    /** A tool definition (an object with a string {@code name}) as listed. */
    static ListedTool of(JsonNode tool) {
        return new ListedTool(ToolSnapshot.of(tool), ToolFingerprint.wording(tool));
    }
}
