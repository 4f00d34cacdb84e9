package dev.mcpwatch.alert.channel;

import java.time.Duration;

/**
 * What one delivery attempt came to: delivered, worth retrying (a network error, a timeout, 408,
 * 429, 5xx), or failed for good (another 4xx: the receiver refuses this request as it is, so
 * repeating it cannot help). {@code error} is safe to show: it never holds a URL or a secret.
 *
 * @param threadId   a handle for later messages of the same incident (Discord's message id), or null
 * @param retryAfter the receiver's own Retry-After, or null
 */
public record Result(Outcome outcome, Integer responseCode, String error, Duration retryAfter, String threadId) {

    public enum Outcome { DELIVERED, RETRY, FAILED }

    public static Result delivered(Integer code) {
        return new Result(Outcome.DELIVERED, code, null, null, null);
    }

    public static Result retry(Integer code, String error) {
        return new Result(Outcome.RETRY, code, error, null, null);
    }

    public static Result failed(Integer code, String error) {
        return new Result(Outcome.FAILED, code, error, null, null);
    }

    public Result withThread(String id) {
        return new Result(outcome, responseCode, error, retryAfter, id);
    }

    public boolean delivered() {
        return outcome == Outcome.DELIVERED;
    }
}
