package dev.mcpwatch.web;

/** A request the API refuses, with the HTTP status and a sentence saying what to change. */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message);
    }
}
