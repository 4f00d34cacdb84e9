package dev.mcpwatch.probe;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads lines (ended by LF, CR or CRLF) from a server, counting every byte: past
 * {@code maxTotalBytes} in all or {@code maxLineBytes} in one line it fails with
 * {@code response_too_large}. A line is handed to its reader in pieces as the bytes arrive, never
 * held whole here: a 4 MiB line of JSON costs the parser's tree, not 4 MiB more.
 */
final class LineReader {
    /** Takes the bytes of one line, piece by piece. The array is reused once the call returns. */
    interface Sink {
        void bytes(byte[] bytes, int offset, int length) throws IOException;
    }

    private final InputStream in;
    private final long maxTotalBytes;
    private final long maxLineBytes;
    private final Phase phase;
    private final String what;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int len;
    private long total;
    private boolean skipLf;

    LineReader(InputStream in, long maxTotalBytes, long maxLineBytes, Phase phase, String what) {
        this.in = in;
        this.maxTotalBytes = maxTotalBytes;
        this.maxLineBytes = maxLineBytes;
        this.phase = phase;
        this.what = what;
    }

    /**
     * Hands the next line (without its terminator) to {@code sink}, in pieces; false at the end of
     * the stream when no line was left. A last line without a terminator still counts as a line.
     */
    boolean readLine(Sink sink) throws IOException {
        long lineBytes = 0;
        boolean any = false;
        while (true) {
            if (pos == len && !fill()) {
                return any;
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            any = true;
            int start = pos;
            while (pos < len && buf[pos] != '\n' && buf[pos] != '\r') {
                pos++;
            }
            lineBytes += pos - start;
            if (lineBytes > maxLineBytes) {
                throw new ProbeFailure(Reason.RESPONSE_TOO_LARGE, phase, what + " sent a line longer than " + maxLineBytes + " bytes");
            }
            if (pos > start) {
                sink.bytes(buf, start, pos - start);
            }
            if (pos < len) {
                skipLf = buf[pos] == '\r';
                pos++;
                return true;
            }
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        total += n;
        if (total > maxTotalBytes) {
            throw new ProbeFailure(Reason.RESPONSE_TOO_LARGE, phase, what + " exceeded " + maxTotalBytes + " bytes");
        }
        pos = 0;
        len = n;
        return true;
    }
}
