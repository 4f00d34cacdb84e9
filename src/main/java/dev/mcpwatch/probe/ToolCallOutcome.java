package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The result of the configured health-check tool call: whether it succeeded and the text it gave. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCallOutcome(String tool, boolean ok, boolean isError, String text, Boolean assertionPassed) {}
