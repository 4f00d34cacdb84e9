package dev.mcpwatch.store;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The packed form of one monitor's healthy probes of one span (20 minutes), as time-series databases store
 * samples: per probe in id order, its id as the gap since the previous id, its start as the change of
 * the gap between starts (probes keep their place on the timeline, so this is a few milliseconds),
 * its total in microseconds, its shape as the change since the previous probe's (0: the same) and
 * its phase times ({@link ProbeTimes}, already a few varints) behind their length. Every number is a
 * varint. The total and times are stored as given: compaction stores them as differences from what
 * the shape predicts ({@link ProbeTimes.Layout}), which is what makes them small.
 */
final class ProbeChunk {
    /** The first byte of a chunk: how the rest is laid out, so that a later layout can read this one. */
    private static final int FORMAT = 1;

    /** A healthy probe as a chunk holds it. */
    record Probe(long id, long startedAt, long totalUs, long shapeId, byte[] times) {}

    private ProbeChunk() {}

    /**
     * Packs probes (sorted by id, ids from {@code firstId} on, starts within the span from
     * {@code spanStart}) into a chunk's bytes.
     */
    static byte[] encode(long firstId, long spanStart, List<Probe> probes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(24 * probes.size() + 1);
        out.write(FORMAT);
        long id = firstId;
        long start = spanStart;
        long gap = 0;
        long shape = 0;
        for (Probe p : probes) {
            if (p.id() < id) {
                throw new IllegalArgumentException("probe " + p.id() + " is out of id order in the chunk of the span from " + spanStart);
            }
            Varints.unsigned(out, p.id() - id);
            Varints.signed(out, p.startedAt() - start - gap);
            Varints.signed(out, p.totalUs());
            Varints.signed(out, p.shapeId() - shape);
            Varints.unsigned(out, p.times().length);
            out.write(p.times(), 0, p.times().length);
            gap = p.startedAt() - start;
            id = p.id();
            start = p.startedAt();
            shape = p.shapeId();
        }
        return out.toByteArray();
    }

    /** The probes a chunk's bytes hold, in id order. */
    static List<Probe> decode(long firstId, long spanStart, byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT) {
            throw new IllegalArgumentException("a probe chunk of the span from " + spanStart + " has an unknown layout "
                    + (bytes.length == 0 ? "(empty)" : Integer.toString(bytes[0])));
        }
        Varints.Reader in = new Varints.Reader(bytes, 1, "a probe chunk");
        List<Probe> out = new ArrayList<>();
        long id = firstId;
        long start = spanStart;
        long gap = 0;
        long shape = 0;
        while (in.more()) {
            id += in.unsigned();
            gap += in.signed();
            start += gap;
            long total = in.signed();
            shape += in.signed();
            byte[] times = in.bytes((int) in.unsigned(), "a probe's times");
            out.add(new Probe(id, start, total, shape, times));
        }
        return out;
    }
}
