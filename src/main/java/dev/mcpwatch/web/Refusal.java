package dev.mcpwatch.web;

/**
 * A request turned away before or during its handler: a status with a sentence (answered as JSON
 * or as a page, see {@link WebServer#error}), or a redirect (to the login page, after a form).
 */
public final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String location;
    final String challenge;

    private Refusal(int status, String message, String location, String challenge) {
        super(message, null, false, false);
        this.status = status;
        this.location = location;
        this.challenge = challenge;
    }

    public static Refusal status(int status, String message) {
        return new Refusal(status, message, null, null);
    }

    /** 401 with {@code WWW-Authenticate: Bearer}, for API clients. */
    public static Refusal bearer(String message) {
        return new Refusal(401, message, null, "Bearer realm=\"mcpwatch\"");
    }

    /** 401 with the given {@code WWW-Authenticate} challenge. */
    public static Refusal challenge(String message, String challenge) {
        return new Refusal(401, message, null, challenge);
    }

    /** 303 See Other: after a form, or to the login page. */
    public static Refusal redirect(String location) {
        return new Refusal(303, "see " + location, location, null);
    }
}
