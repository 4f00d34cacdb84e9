package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Everything one probe measured. Immutable; {@code failure} is null exactly when the probe was
 * healthy. Fields after {@code failure} are filled as far as the probe got. {@code toolCall} is the
 * outcome of the first health-check call, {@code toolCalls} the outcomes of all of them in order.
 * {@code credentials} says what OAuth credentials the probe used (never their values).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeResult(
        String target,
        Transport transport,
        Instant startedAt,
        boolean healthy,
        Failure failure,
        double totalMs,
        List<PhaseTiming> timings,
        Era era,
        boolean eraDetected,
        String protocolVersion,
        String resolvedAddress,
        TlsInfo tls,
        ServerInfo server,
        JsonNode capabilities,
        boolean sessionUsed,
        ToolList tools,
        ToolCallOutcome toolCall,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCallOutcome> toolCalls,
        AuthInfo auth,
        List<String> warnings,
        Authorizer.CredentialInfo credentials) {

    public ProbeResult {
        timings = List.copyOf(timings);
        warnings = List.copyOf(warnings);
        toolCalls = toolCalls == null ? (toolCall == null ? List.of() : List.of(toolCall)) : List.copyOf(toolCalls);
        if (healthy != (failure == null)) {
            throw new IllegalArgumentException("a result is healthy exactly when it has no failure");
        }
    }

    /** A result of a probe without credentials of its own (no OAuth). */
    public ProbeResult(String target, Transport transport, Instant startedAt, boolean healthy, Failure failure, double totalMs,
            List<PhaseTiming> timings, Era era, boolean eraDetected, String protocolVersion, String resolvedAddress, TlsInfo tls,
            ServerInfo server, JsonNode capabilities, boolean sessionUsed, ToolList tools, ToolCallOutcome toolCall,
            List<ToolCallOutcome> toolCalls, AuthInfo auth, List<String> warnings) {
        this(target, transport, startedAt, healthy, failure, totalMs, timings, era, eraDetected, protocolVersion, resolvedAddress, tls,
                server, capabilities, sessionUsed, tools, toolCall, toolCalls, auth, warnings, null);
    }

    /** A result with at most one tool call, as results were before several calls could be configured. */
    public ProbeResult(String target, Transport transport, Instant startedAt, boolean healthy, Failure failure, double totalMs,
            List<PhaseTiming> timings, Era era, boolean eraDetected, String protocolVersion, String resolvedAddress, TlsInfo tls,
            ServerInfo server, JsonNode capabilities, boolean sessionUsed, ToolList tools, ToolCallOutcome toolCall, AuthInfo auth,
            List<String> warnings) {
        this(target, transport, startedAt, healthy, failure, totalMs, timings, era, eraDetected, protocolVersion, resolvedAddress, tls,
                server, capabilities, sessionUsed, tools, toolCall, null, auth, warnings);
    }

    /** A failed result with nothing measured: for a probe that could not run to its end at all. */
    public static ProbeResult failed(String target, Transport transport, Instant startedAt, double totalMs, Failure failure) {
        return new ProbeResult(target, transport, startedAt, false, failure, totalMs, List.of(), null, false, null, null, null, null,
                null, false, null, null, null, null, List.of());
    }

    /** Sum of the durations recorded for a phase (tools/list may take several pages), or null. */
    public Double durationMs(Phase phase) {
        if (phase == Phase.TOTAL) {
            return totalMs;
        }
        double sum = 0;
        boolean seen = false;
        for (PhaseTiming t : timings) {
            if (t.phase() == phase) {
                sum += t.durationMs();
                seen = true;
            }
        }
        return seen ? sum : null;
    }

    /** Time the server reported spending (Server-Timing) across all steps, or null if it never said. */
    public Double serverMs() {
        double sum = 0;
        boolean seen = false;
        for (PhaseTiming t : timings) {
            if (t.serverMs() != null) {
                sum += t.serverMs();
                seen = true;
            }
        }
        return seen ? sum : null;
    }

    public Reason reason() {
        return failure == null ? null : failure.reason();
    }
}
