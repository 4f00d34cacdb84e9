package dev.mcpwatch.canary;

import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.probe.ToolList;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a comparison has seen so far: each side's samples within the rules' window (older ones are
 * dropped, so a long-running canary holds a bounded amount), totals over the whole run, the latest
 * tool list and server of each side, and the failures behind one URL that no version owned. Not
 * thread-safe: one comparison adds and evaluates on one thread.
 */
public final class History {
    private static final int KEPT_EXAMPLES = 5;

    /** Totals of one side over the whole run. */
    public record Totals(long probes, long errors, long unreachable, long toolCalls, long schemaErrors, List<String> schemaExamples) {}

    private final Duration keep;
    private final Map<Side, Deque<Sample>> recent = new EnumMap<>(Side.class);
    private final Map<Side, long[]> totals = new EnumMap<>(Side.class);
    private final Map<Side, List<String>> schemaExamples = new EnumMap<>(Side.class);
    private final Map<Side, ToolList> tools = new EnumMap<>(Side.class);
    private final Map<Side, ServerInfo> servers = new EnumMap<>(Side.class);
    private final Map<Side, Sample> latest = new EnumMap<>(Side.class);
    private final Deque<Instant> unattributed = new ArrayDeque<>();
    private Failure lastUnattributed;
    private final Set<String> otherVersions = new LinkedHashSet<>();
    private Instant first;
    private long rounds;

    /** Keeps samples for {@code keep} (the rules' window). */
    public History(Duration keep) {
        this.keep = keep;
        for (Side s : Side.values()) {
            recent.put(s, new ArrayDeque<>());
            totals.put(s, new long[5]);
            schemaExamples.put(s, new ArrayList<>());
        }
    }

    public void add(Sample s) {
        if (first == null || s.at().isBefore(first)) {
            first = s.at();
        }
        recent.get(s.side()).addLast(s);
        long[] t = totals.get(s.side());
        t[0]++;
        t[1] += s.ok() ? 0 : 1;
        t[2] += s.unreachable() ? 1 : 0;
        t[3] += s.toolCalls();
        t[4] += s.schemaErrors().size();
        List<String> examples = schemaExamples.get(s.side());
        for (String e : s.schemaErrors()) {
            if (examples.size() < KEPT_EXAMPLES && !examples.contains(e)) {
                examples.add(e);
            }
        }
        if (s.tools() != null) {
            tools.put(s.side(), s.tools());
        }
        if (s.server() != null) {
            servers.put(s.side(), s.server());
        }
        latest.put(s.side(), s);
        trim(s.at());
    }

    /** A probe behind one URL failed on a response that named no version. */
    public void unattributed(Instant at, Failure f) {
        if (first == null) {
            first = at;
        }
        unattributed.addLast(at);
        lastUnattributed = f;
        trim(at);
    }

    void otherVersions(Set<String> values) {
        for (String v : values) {
            if (otherVersions.size() < 10) {
                otherVersions.add(v);
            }
        }
    }

    /** One round of probing finished (both sides probed once, or one probe behind a split URL). */
    public void round() {
        rounds++;
    }

    public long rounds() {
        return rounds;
    }

    /** The samples of a side within the window that ends at {@code now}, oldest first. */
    public List<Sample> window(Side side, Instant now) {
        Instant from = now.minus(keep);
        return recent.get(side).stream().filter(s -> s.at().isAfter(from) && !s.at().isAfter(now)).toList();
    }

    public long unattributedIn(Instant now) {
        Instant from = now.minus(keep);
        return unattributed.stream().filter(t -> t.isAfter(from) && !t.isAfter(now)).count();
    }

    public Failure lastUnattributed() {
        return lastUnattributed;
    }

    public Set<String> otherVersions() {
        return Set.copyOf(otherVersions);
    }

    public Totals totals(Side side) {
        long[] t = totals.get(side);
        return new Totals(t[0], t[1], t[2], t[3], t[4], List.copyOf(schemaExamples.get(side)));
    }

    public ToolList tools(Side side) {
        return tools.get(side);
    }

    public ServerInfo server(Side side) {
        return servers.get(side);
    }

    public Sample latest(Side side) {
        return latest.get(side);
    }

    /** When the first probe of the comparison was made, or null before any. */
    public Instant first() {
        return first;
    }

    private void trim(Instant now) {
        Instant from = now.minus(keep);
        for (Deque<Sample> d : recent.values()) {
            while (!d.isEmpty() && !d.peekFirst().at().isAfter(from)) {
                d.removeFirst();
            }
        }
        while (!unattributed.isEmpty() && !unattributed.peekFirst().isAfter(from)) {
            unattributed.removeFirst();
        }
    }
}
