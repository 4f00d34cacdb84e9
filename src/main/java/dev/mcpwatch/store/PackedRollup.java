package dev.mcpwatch.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The bytes of a rollup row's figures (its {@code figures} column, from V15 on): the latency sketch,
 * failures by reason and per-phase count and sum, as varints. An hour row is kept 400 days, so its
 * size is most of what rollups cost on disk; as JSON it was about 500 bytes, packed it is under 80.
 *
 * <pre>
 * version (1)
 * latency:  n [zero minUs maxUs sumUs bins]          (the rest only when n &gt; 0)
 *   bins:   (k &lt;&lt; 1 | sparse) Varints.zigzag(first index), then
 *           contiguous: k counts, one per index from the first (0 for an empty bucket)
 *           sparse:     count, then k − 1 × (index gap, count)
 * reasons:  k × (code [name] count)
 * phases:   k × (code [name] count Varints.zigzag(sumUs))
 * </pre>
 *
 * Every number is an unsigned LEB128 varint. Times are integer microseconds: a probe measures to the
 * microsecond (and raw results store that), so minimum, maximum and sums read back as they were added
 * and every quantile is the one the JSON row gave. Each sketch takes the smaller bin layout: a
 * monitor's latencies usually fill a run of neighbouring buckets (contiguous is smaller), a few
 * outliers far apart make sparse smaller. Reasons and phases are coded by a frozen list of wire
 * names (append only: codes are stored); a name not in it (one added later, or from a newer
 * version) is stored as code 0 and its UTF-8 text.
 */
public final class PackedRollup {
    static final int VERSION = 1;

    /** Reason wire names by code − 1, frozen at version 1; new reasons go at the end. */
    static final List<String> REASONS = List.of("dns_unresolved", "connection_refused", "connect_timeout", "network_unreachable",
            "tls_handshake_failed", "cert_expired", "cert_untrusted", "cert_hostname_mismatch", "insecure_redirect", "http_error", "not_mcp",
            "auth_required", "rate_limited", "redirect_loop", "response_too_large", "jsonrpc_parse_error", "jsonrpc_invalid",
            "initialize_error", "initialize_incomplete", "protocol_version_unsupported", "session_rejected", "tools_list_error",
            "tools_list_empty", "tools_missing", "tool_call_error", "tool_call_assertion_failed", "timeout");
    /** Phase wire names by code − 1, frozen at version 1; new phases go at the end. */
    static final List<String> PHASES = List.of("dns", "connect", "tls", "spawn", "sse_open", "discover", "initialize", "initialized",
            "tools_list", "tool_call", "close", "total");
    private static final Map<String, Integer> REASON_CODES = codes(REASONS);
    private static final Map<String, Integer> PHASE_CODES = codes(PHASES);

    /** A row's figures read back. */
    record Figures(Map<String, Long> failuresByReason, LatencySketch latency, Map<String, double[]> phases) {}

    private PackedRollup() {}

    /** The bytes of a row's figures; phase values are {count, sum in ms}. */
    public static byte[] pack(Map<String, Long> failuresByReason, LatencySketch latency, Map<String, double[]> phases) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(VERSION);
        writeLatency(out, latency);
        Varints.unsigned(out, failuresByReason.size());
        for (var e : failuresByReason.entrySet()) {
            writeName(out, e.getKey(), REASON_CODES);
            Varints.unsigned(out, e.getValue());
        }
        Varints.unsigned(out, phases.size());
        for (var e : phases.entrySet()) {
            writeName(out, e.getKey(), PHASE_CODES);
            Varints.unsigned(out, Math.round(e.getValue()[0]));
            Varints.unsigned(out, Varints.zigzag(micros(e.getValue()[1])));
        }
        return out.toByteArray();
    }

    static Figures unpack(byte[] bytes) {
        Reader in = reader(bytes);
        LatencySketch latency = readLatency(in);
        Map<String, Long> reasons = new TreeMap<>();
        for (long k = in.next(); k > 0; k--) {
            String name = in.name(REASONS);
            reasons.put(name, in.next());
        }
        Map<String, double[]> phases = new TreeMap<>();
        for (long k = in.next(); k > 0; k--) {
            String name = in.name(PHASES);
            double count = in.next();
            phases.put(name, new double[] {count, ProbeTimes.millis(Varints.unzigzag(in.next()))});
        }
        return new Figures(reasons, latency, phases);
    }

    /** Only the latency sketch (it comes first), for readers that need nothing else. */
    static LatencySketch latency(byte[] bytes) {
        return readLatency(reader(bytes));
    }

    private static Reader reader(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes[0] != VERSION) {
            throw new IllegalArgumentException("not a packed rollup of version " + VERSION + ": "
                    + (bytes == null || bytes.length == 0 ? "no bytes" : "version byte " + bytes[0]));
        }
        return new Reader(bytes);
    }

    private static void writeLatency(ByteArrayOutputStream out, LatencySketch s) {
        Varints.unsigned(out, s.count());
        if (s.count() == 0) {
            return;
        }
        Varints.unsigned(out, s.zero());
        Varints.unsigned(out, micros(s.min()));
        Varints.unsigned(out, micros(s.max()));
        Varints.unsigned(out, micros(s.sum()));
        NavigableMap<Integer, Long> bins = s.bins();
        if (bins.isEmpty()) {
            Varints.unsigned(out, 0);
            return;
        }
        int first = bins.firstKey();
        long span = (long) bins.lastKey() - first + 1;
        boolean sparse = sparseSize(bins) < contiguousSize(bins, first, span);
        Varints.unsigned(out, (sparse ? bins.size() : span) << 1 | (sparse ? 1 : 0));
        Varints.unsigned(out, Varints.zigzag(first));
        if (sparse) {
            int previous = first;
            for (var b : bins.entrySet()) {
                if (b.getKey() != first) {
                    Varints.unsigned(out, (long) b.getKey() - previous);
                }
                Varints.unsigned(out, b.getValue());
                previous = b.getKey();
            }
        } else {
            for (long i = first; i <= bins.lastKey(); i++) {
                Long n = bins.get((int) i);
                Varints.unsigned(out, n == null ? 0 : n);
            }
        }
    }

    private static LatencySketch readLatency(Reader in) {
        LatencySketch s = new LatencySketch();
        long count = in.next();
        if (count == 0) {
            return s;
        }
        long zero = in.next();
        s.restore(count, zero, ProbeTimes.millis(in.next()), ProbeTimes.millis(in.next()), ProbeTimes.millis(in.next()));
        long header = in.next();
        if (header == 0) {
            return s;
        }
        long k = header >>> 1;
        int index = (int) Varints.unzigzag(in.next());
        if ((header & 1) == 1) {
            s.putBin(index, in.next());
            for (long i = 1; i < k; i++) {
                index += (int) in.next();
                s.putBin(index, in.next());
            }
        } else {
            for (long i = 0; i < k; i++, index++) {
                long n = in.next();
                if (n != 0) {
                    s.putBin(index, n);
                }
            }
        }
        return s;
    }

    /** Bytes of the bins as (gap, count) pairs, header and first index apart. */
    static int sparseSize(NavigableMap<Integer, Long> bins) {
        int size = 0;
        int previous = bins.firstKey();
        for (var b : bins.entrySet()) {
            size += (b.getKey() == previous ? 0 : size(b.getKey() - previous)) + size(b.getValue());
            previous = b.getKey();
        }
        return size;
    }

    /** Bytes of the bins as one count per index from the first, header and first index apart. */
    static int contiguousSize(NavigableMap<Integer, Long> bins, int first, long span) {
        int size = (int) (span - bins.size()); // a byte per empty bucket
        for (long n : bins.values()) {
            size += size(n);
        }
        return size;
    }

    private static void writeName(ByteArrayOutputStream out, String name, Map<String, Integer> codes) {
        Integer code = codes.get(name);
        if (code != null) {
            Varints.unsigned(out, code);
            return;
        }
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        Varints.unsigned(out, 0);
        Varints.unsigned(out, text.length);
        out.writeBytes(text);
    }

    private static long micros(double ms) {
        return ProbeTimes.micros(ms);
    }

    private static int size(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static Map<String, Integer> codes(List<String> names) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), i + 1);
        }
        return Map.copyOf(out);
    }

    /** A packed rollup's varints, and its names as codes (or as text when they have none). */
    private static final class Reader extends Varints.Reader {
        Reader(byte[] bytes) {
            super(bytes, 1, "packed rollup");
        }

        long next() {
            return unsigned();
        }

        String name(List<String> names) {
            int code = (int) next();
            if (code > 0) {
                if (code > names.size()) {
                    throw new IllegalArgumentException("packed rollup has unknown name code " + code);
                }
                return names.get(code - 1);
            }
            return new String(bytes((int) next(), "a name"), StandardCharsets.UTF_8);
        }
    }
}
