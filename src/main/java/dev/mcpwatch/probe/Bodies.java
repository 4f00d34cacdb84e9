package dev.mcpwatch.probe;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading response bodies within a byte cap, and telling what kind of body it is. */
final class Bodies {
    private static final Pattern TITLE = Pattern.compile("<title[^>]*>([^<]{1,200})", Pattern.CASE_INSENSITIVE);
    private static final Pattern DUR = Pattern.compile("dur=([0-9]+(?:\\.[0-9]+)?)");

    private Bodies() {}

    enum Kind { JSON, SSE, HTML, OTHER }

    /** How much of a body that is not JSON is read to say what it is. */
    static final int DESCRIBED_BYTES = 8 * 1024;

    /**
     * The body as a stream that fails with {@code response_too_large} as soon as it passes
     * {@code max} bytes, or at once when it declares more. Read, never held: a body is parsed as it
     * arrives.
     */
    static InputStream capped(InputStream in, long declaredLength, long max, Phase phase) {
        if (declaredLength > max) {
            throw tooLarge(phase, max, " (Content-Length " + declaredLength + ")");
        }
        return new FilterInputStream(in) {
            private long total;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0 && (total += n) > max) {
                    throw tooLarge(phase, max, "");
                }
                return n;
            }
        };
    }

    /**
     * The read buffer for a body of this declared length (-1: unknown): the body itself plus one byte
     * (so the read that finds its end needs no second buffer), at most 8 KiB. An MCP answer is
     * usually a few hundred bytes, and two 8 KiB buffers were a sixth of what a probe allocated.
     */
    static int bufferFor(long declaredLength) {
        return declaredLength < 0 || declaredLength >= 8191 ? 8192 : (int) Math.max(64, declaredLength + 1);
    }

    /** Where the first byte that is not JSON whitespace is, or -1. */
    static int firstNonSpace(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return i;
            }
        }
        return -1;
    }

    /** Reads at most {@code max} bytes and stops there without failing: for error bodies we only quote. */
    static byte[] readAtMost(InputStream in, int max) throws IOException {
        return in.readNBytes(max);
    }

    private static ProbeFailure tooLarge(Phase phase, long max, String detail) {
        return new ProbeFailure(Reason.RESPONSE_TOO_LARGE, phase,
                "Response to " + phase.wireName() + " exceeded " + max + " bytes" + detail);
    }

    static Kind kind(String contentType) {
        if (contentType == null) {
            return Kind.OTHER;
        }
        String ct = contentType.toLowerCase(Locale.ROOT);
        if (ct.startsWith("text/event-stream")) {
            return Kind.SSE;
        }
        if (ct.startsWith("application/json") || ct.contains("+json")) {
            return Kind.JSON;
        }
        if (ct.startsWith("text/html") || ct.startsWith("application/xhtml")) {
            return Kind.HTML;
        }
        return Kind.OTHER;
    }

    /** Guesses the kind of a body that came without a usable content type. */
    static Kind sniff(byte[] body) {
        for (byte b : body) {
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            }
            return b == '{' || b == '[' ? Kind.JSON : b == '<' ? Kind.HTML : Kind.OTHER;
        }
        return Kind.OTHER;
    }

    /** A short description of a non-MCP body for a failure sentence: the page title, or its first characters. */
    static String describe(byte[] body, String contentType) {
        String text = Text.snippet(body, 2000);
        Matcher m = TITLE.matcher(text);
        String what = contentType == null ? "a body with no content type" : "a " + contentType.split(";")[0].trim() + " body";
        if (m.find()) {
            return what + " titled '" + Text.clip(m.group(1), 80) + "'";
        }
        return body.length == 0 ? what + " that is empty" : what + " starting '" + Text.clip(text, 60) + "'";
    }

    /** Milliseconds the server says it spent, from {@code Server-Timing} (sum of {@code dur}), or null. */
    static Double serverTiming(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = DUR.matcher(header);
        double sum = 0;
        boolean seen = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            seen = true;
        }
        return seen ? sum : null;
    }
}
