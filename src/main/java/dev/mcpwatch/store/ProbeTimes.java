package dev.mcpwatch.store;

import dev.mcpwatch.probe.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
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
        Varints.signed(out, startedAt.getNano() % 1_000_000);
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
        Varints.Reader in = new Varints.Reader(times, 0, "a probe's times");
        long nanos = in.signed();
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
    private static void walk(JsonNode node, boolean top, ByteArrayOutputStream out, Varints.Reader in) {
        if (node instanceof ObjectNode o) {
            for (String name : List.copyOf(o.propertyNames())) {
                JsonNode v = o.get(name);
                if (name.endsWith("Ms") && v.isNumber() && !(top && name.equals(TOTAL))) {
                    if (out != null) {
                        boolean integral = v.isIntegralNumber();
                        Varints.signed(out, (integral ? v.asLong() : micros(v.asDouble())) << 1 | (integral ? 1 : 0));
                        o.put(name, 0);
                    } else {
                        long packed = in.signed();
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

    /**
     * Where a shape's times predict one another, so that a chunk stores each as its difference from
     * the prediction (a byte where the time itself takes three): a phase starts where the one before
     * it ended, its first byte comes near its end, and the total is where the last phase ended. Times
     * in whole milliseconds (an integral value) are stored as they are.
     */
    static final class Layout {
        /** Per time (after the leading nanoseconds), the earlier times whose sum predicts it; empty: none. */
        private final List<int[]> from;
        /** The times whose sum predicts the total, or empty. */
        private final int[] total;

        private Layout(List<int[]> from, int[] total) {
            this.from = from;
            this.total = total;
        }

        static Layout of(JsonNode shape) {
            List<int[]> from = new ArrayList<>();
            int[][] last = new int[1][];
            layout(shape, true, from, last);
            return new Layout(from, last[0] == null ? new int[0] : last[0]);
        }

        /** Visits the times in {@link #walk}'s order, noting each one's predictors. */
        private static void layout(JsonNode node, boolean top, List<int[]> from, int[][] lastPhase) {
            if (node instanceof ObjectNode o) {
                for (String name : o.propertyNames()) {
                    JsonNode v = o.get(name);
                    if (!(name.endsWith("Ms") && v.isNumber() && !(top && name.equals(TOTAL)))) {
                        if (top && name.equals("timings") && v instanceof ArrayNode phases) {
                            phasesLayout(phases, from, lastPhase);
                        } else {
                            layout(v, false, from, lastPhase);
                        }
                        continue;
                    }
                    from.add(new int[0]);
                }
            } else if (node instanceof ArrayNode a) {
                for (JsonNode v : a) {
                    layout(v, false, from, lastPhase);
                }
            }
        }

        /** The phases: each start from the previous phase's start and duration, its first byte from its duration. */
        private static void phasesLayout(ArrayNode phases, List<int[]> from, int[][] lastPhase) {
            int previousStart = -1;
            int previousDuration = -1;
            for (JsonNode phase : phases) {
                if (!(phase instanceof ObjectNode o)) {
                    layout(phase, false, from, lastPhase);
                    continue;
                }
                int start = -1;
                int duration = -1;
                for (String name : o.propertyNames()) {
                    JsonNode v = o.get(name);
                    if (!(name.endsWith("Ms") && v.isNumber())) {
                        layout(v, false, from, lastPhase);
                        continue;
                    }
                    int at = from.size();
                    if (name.equals("startMs") && previousStart >= 0 && previousDuration >= 0) {
                        from.add(new int[] {previousStart, previousDuration});
                    } else if (name.equals("firstByteMs") && duration >= 0) {
                        from.add(new int[] {duration});
                    } else {
                        from.add(new int[0]);
                    }
                    if (name.equals("startMs")) {
                        start = at;
                    } else if (name.equals("durationMs")) {
                        duration = at;
                    }
                }
                previousStart = start;
                previousDuration = duration;
                lastPhase[0] = start >= 0 && duration >= 0 ? new int[] {start, duration} : null;
            }
        }

        /** A probe's total and times (as a row keeps them) as their differences from what this layout predicts. */
        ProbeChunk.Probe pack(ProbeChunk.Probe p) {
            return convert(p, true);
        }

        /** {@link #pack} undone. */
        ProbeChunk.Probe unpack(ProbeChunk.Probe p) {
            return convert(p, false);
        }

        private ProbeChunk.Probe convert(ProbeChunk.Probe p, boolean pack) {
            Varints.Reader in = new Varints.Reader(p.times(), 0, "a probe's times");
            ByteArrayOutputStream out = new ByteArrayOutputStream(p.times().length);
            Varints.signed(out, in.signed()); // nanoseconds
            long[] values = new long[from.size()];
            for (int i = 0; i < values.length; i++) {
                long stored = in.signed();
                long value = stored >> 1;
                boolean integral = (stored & 1) == 1;
                Long predicted = integral ? null : predict(from.get(i), values);
                long actual = predicted == null ? value : pack ? value : value + predicted;
                values[i] = (actual << 1) | (integral ? 1 : 0);
                long written = predicted == null || !pack ? value : value - predicted;
                Varints.signed(out, pack ? (written << 1) | (integral ? 1 : 0) : values[i]);
            }
            if (in.more()) {
                throw new IllegalArgumentException("a probe's times do not fit its shape (" + from.size() + " times expected)");
            }
            Long predictedTotal = predict(total, values);
            long totalUs = predictedTotal == null ? p.totalUs() : pack ? p.totalUs() - predictedTotal : p.totalUs() + predictedTotal;
            return new ProbeChunk.Probe(p.id(), p.startedAt(), totalUs, p.shapeId(), out.toByteArray());
        }

        /** The sum of these times in microseconds, or null when there are none or one is in whole milliseconds. */
        private static Long predict(int[] positions, long[] values) {
            if (positions.length == 0) {
                return null;
            }
            long sum = 0;
            for (int at : positions) {
                if ((values[at] & 1) == 1) {
                    return null;
                }
                sum += values[at] >> 1;
            }
            return sum;
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
}
