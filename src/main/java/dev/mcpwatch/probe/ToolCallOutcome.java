package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The result of a configured health-check tool call: whether it succeeded and the text it gave.
 * {@code needsInput} is true when the tool asked for input the monitor has no answer for: the call
 * was not checked, which is a configuration problem, neither a success nor a server failure.
 * {@code errorCode} is the JSON-RPC error code when the call was answered with an error (-32602:
 * the server rejected the arguments). {@code schemaError} says how the structured result fails the
 * tool's {@code outputSchema}, when the probe was asked to check (canary analysis) and it does.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCallOutcome(String tool, boolean ok, boolean isError, String text, Boolean assertionPassed, Boolean needsInput,
        Integer errorCode, String schemaError) {

    public ToolCallOutcome(String tool, boolean ok, boolean isError, String text, Boolean assertionPassed, Boolean needsInput) {
        this(tool, ok, isError, text, assertionPassed, needsInput, null, null);
    }

    public ToolCallOutcome(String tool, boolean ok, boolean isError, String text, Boolean assertionPassed) {
        this(tool, ok, isError, text, assertionPassed, null);
    }

    /** True when the call was answered with a request for input nobody configured. */
    public boolean unanswered() {
        return Boolean.TRUE.equals(needsInput);
    }
}
