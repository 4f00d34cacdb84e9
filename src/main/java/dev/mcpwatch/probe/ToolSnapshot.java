package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.mcpwatch.schema.ToolFingerprint;
import tools.jackson.databind.JsonNode;

/**
 * One tool as listed, with its fingerprint (SHA-256 of the canonical JSON of name, inputSchema,
 * outputSchema and annotations) and the definition exactly as the server sent it. The definition is
 * kept as compact JSON text, not as a tree: a tree takes several times the memory, and a tool list
 * is held for the whole probe. In JSON the definition appears as the object it is.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolSnapshot(String name, String title, String description, String fingerprint,
        @JsonProperty("definition") @JsonRawValue String definitionJson) {

    /** A snapshot of a definition held as a tree. */
    public ToolSnapshot(String name, String title, String description, String fingerprint, JsonNode definition) {
        this(name, title, description, fingerprint, definition.toString());
    }

    /** The snapshot of a tool definition (an object with a string {@code name}), fingerprinted. */
    static ToolSnapshot of(JsonNode tool) {
        return new ToolSnapshot(tool.get("name").stringValue(), tool.path("title").stringValue(null),
                tool.path("description").stringValue(null), ToolFingerprint.of(tool), tool);
    }

    /** The definition as the server listed it, parsed again from the compact text. */
    public JsonNode definition() {
        return Json.MAPPER.readTree(definitionJson);
    }

    /** Roughly what this snapshot takes in memory, in bytes: its texts and a fixed overhead. */
    long size() {
        return 160 + definitionJson.length() + name.length() + (title == null ? 0 : title.length())
                + (description == null ? 0 : description.length()) + fingerprint.length();
    }
}
