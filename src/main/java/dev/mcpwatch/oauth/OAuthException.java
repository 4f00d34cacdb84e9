package dev.mcpwatch.oauth;

/** An OAuth step that did not work, with the sentence an operator needs (never a secret in it). */
public final class OAuthException extends Exception {
    private static final long serialVersionUID = 1L;

    OAuthException(String message) {
        super(message);
    }
}
