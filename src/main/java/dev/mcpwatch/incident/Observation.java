package dev.mcpwatch.incident;

import dev.mcpwatch.probe.Failure;

/** One probe outcome as the state machine sees it: when it ran, whether it passed, and why not. */
public record Observation(long resultId, long startedAt, long finishedAt, Failure failure) {
    public boolean healthy() {
        return failure == null;
    }
}
