package dev.mcpwatch.store;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Whole numbers as varints (seven bits a byte, low bits first, the high bit saying "more"), signed ones
 * zigzag-encoded first so that small negatives stay small: how probe times, chunks of probes and
 * rollup rows pack their figures. A {@link Reader} refuses bytes that end inside a number, naming
 * what it was reading.
 */
final class Varints {
    private Varints() {}

    static void unsigned(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    static void signed(ByteArrayOutputStream out, long v) {
        unsigned(out, zigzag(v));
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long z) {
        return (z >>> 1) ^ -(z & 1);
    }

    /** Reads varints (and runs of bytes) one after the other from a packed value. */
    static class Reader {
        private final byte[] bytes;
        private final String what;
        private int at;

        /** Reads {@code bytes} from {@code from} on; {@code what} names them in errors ("a probe chunk"). */
        Reader(byte[] bytes, int from, String what) {
            this.bytes = bytes;
            this.at = from;
            this.what = what;
        }

        boolean more() {
            return at < bytes.length;
        }

        /** Bytes not read yet. */
        int left() {
            return bytes.length - at;
        }

        long unsigned() {
            long v = 0;
            int shift = 0;
            byte b;
            do {
                if (at >= bytes.length || shift > 63) {
                    throw new IllegalArgumentException(what + " ends early, inside a number at byte " + at);
                }
                b = bytes[at++];
                v |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            return v;
        }

        long signed() {
            return unzigzag(unsigned());
        }

        /** The next {@code n} bytes as they are; {@code of} says what they hold, for the error. */
        byte[] bytes(int n, String of) {
            if (n < 0 || n > left()) {
                throw new IllegalArgumentException(what + " ends early, inside " + of + " at byte " + at);
            }
            byte[] out = Arrays.copyOfRange(bytes, at, at + n);
            at += n;
            return out;
        }
    }
}
