package dev.mcpwatch.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads lines (ended by LF, CR or CRLF) of strict UTF-8 from a server, counting every byte: past
 * {@code maxTotalBytes} in all or {@code maxLineBytes} in one line it fails with
 * {@code response_too_large}; invalid UTF-8 fails with {@code jsonrpc_parse_error}.
 */
final class LineReader {
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

    /** The next line without its terminator, or null at the end of the stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream partial = null;
        while (true) {
            if (pos == len && !fill()) {
                return partial == null ? null : decode(partial.toByteArray());
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            while (pos < len && buf[pos] != '\n' && buf[pos] != '\r') {
                pos++;
            }
            long lineSoFar = (partial == null ? 0 : partial.size()) + (pos - start);
            if (lineSoFar > maxLineBytes) {
                throw new ProbeFailure(Reason.RESPONSE_TOO_LARGE, phase, what + " sent a line longer than " + maxLineBytes + " bytes");
            }
            if (pos < len) {
                skipLf = buf[pos] == '\r';
                byte[] chunk = Arrays.copyOfRange(buf, start, pos);
                pos++;
                if (partial == null) {
                    return decode(chunk);
                }
                partial.write(chunk);
                return decode(partial.toByteArray());
            }
            if (partial == null) {
                partial = new ByteArrayOutputStream();
            }
            partial.write(buf, start, pos - start);
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

    private String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, phase, what + " is not valid UTF-8");
        }
    }
}
