package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Splits a result's detail into what repeats from probe to probe (its shape) and what varies: its
 * start and every duration ({@code …Ms} fields, at any depth: phase starts and lengths, time to
 * first byte, server time, tool call times), packed as integer microseconds into a few bytes (zigzag
 * varints, in the order the fields appear). {@link #join} puts them back where they were.
 */
final class ProbeTimes {
    private static final String STARTED_AT = "startedAt";
    private static final String TOTAL = "totalMs";

    /** The shape (times zeroed) as text, and the times. */
    record Split(String shape, byte[] times) {}

    private ProbeTimes() {}

    static Split split(ObjectNode detail, Instant startedAt) {
        ObjectNode shape = detail.deepCopy();
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        // the start below the millisecond (the row has the milliseconds)
        write(out, startedAt.getNano() % 1_000_000);
        if (shape.has(STARTED_AT)) {
            shape.putNull(STARTED_AT);
        }
        if (shape.has(TOTAL)) {
            shape.put(TOTAL, 0);
        }
        walk(shape, true, out, null);
        return new Split(shape.toString(), out.toByteArray());
    }

    /** The detail a shape and its times came from, as it reads from stored text. */
    static JsonNode join(ObjectNode shape, long startedAtMillis, long totalUs, byte[] times) {
        ObjectNode detail = shape.deepCopy();
        Reader in = new Reader(times);
        long nanos = in.next();
        if (detail.has(STARTED_AT)) {
            detail.set(STARTED_AT, Json.MAPPER.valueToTree(Instant.ofEpochMilli(startedAtMillis).plusNanos(nanos)));
        }
        if (detail.has(TOTAL)) {
            detail.put(TOTAL, millis(totalUs));
        }
        walk(detail, true, null, in);
        return Json.MAPPER.readTree(detail.toString());
    }

    /** Visits every {@code …Ms} number in document order: takes it out ({@code out}) or puts it back ({@code in}). */
    private static void walk(JsonNode node, boolean top, ByteArrayOutputStream out, Reader in) {
        if (node instanceof ObjectNode o) {
            for (String name : List.copyOf(o.propertyNames())) {
                JsonNode v = o.get(name);
                if (name.endsWith("Ms") && v.isNumber() && !(top && name.equals(TOTAL))) {
                    if (out != null) {
                        boolean integral = v.isIntegralNumber();
                        write(out, (integral ? v.asLong() : micros(v.asDouble())) << 1 | (integral ? 1 : 0));
                        o.put(name, 0);
                    } else {
                        long packed = in.next();
                        long value = packed >> 1;
                        if ((packed & 1) == 1) {
                            o.put(name, value);
                        } else {
                            o.put(name, millis(value));
                        }
                    }
                } else {
                    walk(v, false, out, in);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (JsonNode v : a) {
                walk(v, false, out, in);
            }
        }
    }

    static long micros(double ms) {
        return Math.round(ms * 1000);
    }

    static double millis(long us) {
        return us / 1000.0;
    }

    static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(ByteArrayOutputStream out, long v) {
        long z = (v << 1) ^ (v >> 63);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
    }

    private static final class Reader {
        private final byte[] bytes;
        private int at;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        long next() {
            long z = 0;
            int shift = 0;
            byte b;
            do {
                b = bytes[at++];
                z |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            return (z >>> 1) ^ -(z & 1);
        }
    }
}
