package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * One tool as listed, with its fingerprint (SHA-256 of the canonical JSON of name, inputSchema,
 * outputSchema and annotations) and the definition exactly as the server sent it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolSnapshot(String name, String title, String description, String fingerprint, JsonNode definition) {}
