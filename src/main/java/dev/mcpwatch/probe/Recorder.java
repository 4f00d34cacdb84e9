package dev.mcpwatch.probe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Collects what one probe observes while it runs, then freezes it into a {@link ProbeResult}. A
 * probe has one recorder; transports and steps write into it. Synchronized because the SSE and stdio
 * transports read on a second thread.
 */
final class Recorder {
    final long startNanos = System.nanoTime();
    final Instant startedAt = Instant.now();
    private final List<PhaseTiming> timings = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private Era era;
    private boolean eraDetected;
    private String protocolVersion;
    private String resolvedAddress;
    private TlsInfo tls;
    private ServerInfo server;
    private JsonNode capabilities;
    private boolean sessionUsed;
    private ToolList tools;
    private final List<ToolCallOutcome> toolCalls = new ArrayList<>();
    private AuthInfo auth;
    private Authorizer.CredentialInfo credentials;
    private Phase current = Phase.TOTAL;
    private Failure closeFailure;

    double msSinceStart(long nanos) {
        return Math.round((nanos - startNanos) / 1_000.0) / 1_000.0;
    }

    synchronized void network(Phase phase, long fromNanos, long toNanos) {
        timings.add(PhaseTiming.network(phase, msSinceStart(fromNanos), ms(toNanos - fromNanos)));
    }

    synchronized boolean hasTiming(Phase phase) {
        return timings.stream().anyMatch(t -> t.phase() == phase);
    }

    StepTimer step(Phase phase) {
        synchronized (this) {
            current = phase;
        }
        return new StepTimer(phase, System.nanoTime());
    }

    /** A failure found only while ending the probe (a stdio server left a process behind); the first one counts. */
    synchronized void failAtClose(Failure failure) {
        warn(failure.message());
        if (closeFailure == null) {
            closeFailure = failure;
        }
    }

    synchronized Failure closeFailure() {
        return closeFailure;
    }

    /** The step the probe was in last, for blaming an error no step classified; {@code total} before the first. */
    synchronized Phase currentPhase() {
        return current;
    }

    /** A timer for traffic that is not a step of its own (answers to server requests); never recorded. */
    StepTimer untimed(Phase phase) {
        StepTimer t = new StepTimer(phase, System.nanoTime());
        t.finished = true;
        return t;
    }

    synchronized void warn(String warning) {
        if (warnings.size() < 20 && !warnings.contains(warning)) {
            warnings.add(warning);
        }
    }

    synchronized void era(Era era, boolean detected) {
        this.era = era;
        this.eraDetected = detected;
    }

    synchronized void protocolVersion(String v) {
        this.protocolVersion = v;
    }

    synchronized void resolvedAddress(String address) {
        if (resolvedAddress == null) {
            resolvedAddress = address;
        }
    }

    synchronized void tls(TlsInfo tls) {
        this.tls = tls;
    }

    synchronized void server(ServerInfo server, JsonNode capabilities) {
        this.server = server;
        this.capabilities = capabilities;
    }

    synchronized void sessionUsed() {
        this.sessionUsed = true;
    }

    synchronized void tools(ToolList tools) {
        this.tools = tools;
    }

    synchronized void toolCall(ToolCallOutcome outcome) {
        toolCalls.add(outcome);
    }

    synchronized int toolCallCount() {
        return toolCalls.size();
    }

    synchronized void auth(AuthInfo auth) {
        this.auth = auth;
    }

    synchronized void credentials(Authorizer.CredentialInfo info) {
        this.credentials = info;
    }

    synchronized TlsInfo tls() {
        return tls;
    }

    private long workEndNanos;

    /** Marks the end of the probe's work; closing the session afterwards is timed but not counted in total. */
    synchronized void workDone() {
        if (workEndNanos == 0) {
            workEndNanos = System.nanoTime();
        }
    }

    /**
     * Freezes the result. Its clock starts at the probe's first network action (the first phase:
     * dns, connect, spawn…), not when the probe object was made: what comes before is this JVM
     * warming up (on a first run, hundreds of milliseconds of class loading), not the server. The
     * deadline still counts from the very start.
     */
    synchronized ProbeResult finish(String target, Transport transport, Failure failure) {
        double origin = timings.stream().mapToDouble(PhaseTiming::startMs).min().orElse(0);
        double total = Math.max(0, ms((workEndNanos == 0 ? System.nanoTime() : workEndNanos) - startNanos) - origin);
        List<PhaseTiming> fromFirstAction = origin == 0 ? timings : timings.stream()
                .map(t -> new PhaseTiming(t.phase(), round(t.startMs() - origin), t.durationMs(), t.firstByteMs(), t.httpStatus(),
                        t.contentType(), t.serverMs(), t.servedBy()))
                .toList();
        Instant started = startedAt.plusNanos(Math.round(origin * 1_000_000));
        return new ProbeResult(target, transport, started, failure == null, failure, round(total), fromFirstAction, era,
                eraDetected, protocolVersion, resolvedAddress, tls, server, capabilities, sessionUsed, tools,
                toolCalls.isEmpty() ? null : toolCalls.getFirst(), toolCalls, auth, warnings, credentials);
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    /** To the microsecond, like every figure here (a difference of two rounded figures may not be). */
    private static double round(double ms) {
        return Math.round(ms * 1_000.0) / 1_000.0;
    }

    /** Times one MCP step; {@link #finish} records it whether the step succeeded or not. */
    final class StepTimer {
        private final Phase phase;
        private final long start;
        private long firstByte;
        private boolean finished;
        private String servedBy;

        private StepTimer(Phase phase, long start) {
            this.phase = phase;
            this.start = start;
        }

        Phase phase() {
            return phase;
        }

        void firstByte() {
            if (firstByte == 0) {
                firstByte = System.nanoTime();
            }
        }

        /** The value of the spec's served-by header on this step's response; the last response of the step counts. */
        void servedBy(String value) {
            if (value != null) {
                servedBy = Text.printable(value, 100);
            }
        }

        void finish(Integer httpStatus, String contentType, Double serverMs) {
            long end = System.nanoTime();
            synchronized (Recorder.this) {
                if (finished) {
                    return;
                }
                finished = true;
                Double fb = firstByte == 0 ? null : ms(firstByte - start);
                timings.add(new PhaseTiming(phase, msSinceStart(start), ms(end - start), fb, httpStatus, contentType,
                        serverMs, servedBy));
            }
        }
    }
}
