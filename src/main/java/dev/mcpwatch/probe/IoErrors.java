package dev.mcpwatch.probe;

import java.io.EOFException;
import java.net.SocketException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * I/O errors in words for operators. The HTTP client's own messages name its internals, quote
 * request URLs (with their query) and dump bytes as hex ({@code \n not found: limit=262113
 * content=4c6f63…}); a failure message says what the server did instead, with at most a short
 * printable excerpt of what it sent.
 */
final class IoErrors {
    /** OkHttp reads at most this much of a response's status line and headers. */
    static final int HEADER_LIMIT = 256 * 1024;
    private static final Pattern HEX_DUMP = Pattern.compile("\\s*\\blimit=\\d+\\s+content=[0-9a-f]*…?");
    private static final Pattern URL = Pattern.compile("\\bhttps?://\\S+");
    private static final String NOT_FOUND = "\\n not found: limit=";

    private IoErrors() {}

    /** What happened, in words. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        long unended = unendedLine(e);
        if (unended >= HEADER_LIMIT / 2) {
            return "the response headers are longer than " + HEADER_LIMIT / 1024 + " KiB, or a header line never ends";
        }
        if (unended > 0) {
            return "the server closed the connection in the middle of a line";
        }
        if (unended == 0 || lower.startsWith("unexpected end of stream") || root instanceof EOFException) {
            return "the server closed the connection";
        }
        if (message.startsWith("Unexpected status line: ")) {
            return "the status line is not HTTP: '" + Text.printable(message.substring("Unexpected status line: ".length()), 40) + "'";
        }
        if (lower.startsWith("expected chunk size")) {
            return "a chunk size of the chunked body is malformed";
        }
        if (isReset(root)) {
            return "the connection was reset";
        }
        if (lower.contains("broken pipe")) {
            return "the server closed the connection while the request was being sent";
        }
        if (message.isEmpty()) {
            return root.getClass().getSimpleName();
        }
        return Text.printable(URL.matcher(HEX_DUMP.matcher(message).replaceAll("")).replaceAll("(url)"), 100);
    }

    /** Whether the error means the status line and headers did not end within what the client reads. */
    static boolean isHeaderOverflow(Throwable e) {
        return unendedLine(e) >= HEADER_LIMIT / 2;
    }

    /**
     * How many bytes of a line were read when the input ended or the client's limit was reached
     * without its newline (okio's {@code \n not found: limit=N}), or -1 when that is not the error.
     */
    private static long unendedLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (t instanceof EOFException && m != null && m.startsWith(NOT_FOUND)) {
                int end = m.indexOf(' ', NOT_FOUND.length());
                try {
                    return Long.parseLong(m.substring(NOT_FOUND.length(), end < 0 ? m.length() : end));
                } catch (NumberFormatException ignored) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The peer reset the connection (a TCP RST). */
    static boolean isReset(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException && t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains("connection reset")) {
                return true;
            }
        }
        return false;
    }
}
