package dev.mcpwatch.probe;

/**
 * Thrown inside a probe to stop it with a classified {@link Failure}. It never escapes
 * {@link Prober#probe}; it carries no stack trace because it is an outcome, not a bug.
 */
final class ProbeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Failure failure;
    private final int httpStatus;

    ProbeFailure(Reason reason, Phase phase, String message) {
        this(reason, phase, message, 0);
    }

    ProbeFailure(Reason reason, Phase phase, String message, int httpStatus) {
        super(message, null, false, false);
        this.failure = new Failure(reason, phase, message);
        this.httpStatus = httpStatus;
    }

    /** The same failure, blamed on the step that was waiting when a reader thread hit it. */
    ProbeFailure in(Phase phase) {
        return phase == failure.phase() ? this : new ProbeFailure(failure.reason(), phase, failure.message(), httpStatus);
    }

    Failure failure() {
        return failure;
    }

    Reason reason() {
        return failure.reason();
    }

    /** The HTTP status that caused this failure, or 0 when there was none. */
    int httpStatus() {
        return httpStatus;
    }
}
