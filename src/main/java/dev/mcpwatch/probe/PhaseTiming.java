package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One phase of a probe on the probe's own clock: when it started and how long it took, in
 * milliseconds since the probe began. MCP steps also carry the time to the first byte of the
 * response, the HTTP status, the body type (json or sse) and, when the server sent a
 * {@code Server-Timing} header, the time the server says it spent. {@code servedBy} is the value of
 * the response header the spec names in {@link ProbeSpec#servedByHeader()} (which server behind a
 * proxy answered this step, e.g. {@code X-Server-Version}), when the spec names one and the response
 * carried it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PhaseTiming(
        Phase phase, double startMs, double durationMs, Double firstByteMs, Integer httpStatus, String contentType,
        Double serverMs, String servedBy) {

    /** A step timing without a served-by value. */
    public PhaseTiming(Phase phase, double startMs, double durationMs, Double firstByteMs, Integer httpStatus, String contentType,
            Double serverMs) {
        this(phase, startMs, durationMs, firstByteMs, httpStatus, contentType, serverMs, null);
    }

    public static PhaseTiming network(Phase phase, double startMs, double durationMs) {
        return new PhaseTiming(phase, startMs, durationMs, null, null, null, null, null);
    }

    public double endMs() {
        return startMs + durationMs;
    }
}
