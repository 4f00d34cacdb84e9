package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The result of a configured health-check tool call: whether it succeeded and the text it gave.
 * {@code needsInput} is true when the tool asked for input the monitor has no answer for: the call
 * was not checked, which is a configuration problem, neither a success nor a server failure.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCallOutcome(String tool, boolean ok, boolean isError, String text, Boolean assertionPassed, Boolean needsInput) {

    public ToolCallOutcome(String tool, boolean ok, boolean isError, String text, Boolean assertionPassed) {
        this(tool, ok, isError, text, assertionPassed, null);
    }

    /** True when the call was answered with a request for input nobody configured. */
    public boolean unanswered() {
        return Boolean.TRUE.equals(needsInput);
    }
}
