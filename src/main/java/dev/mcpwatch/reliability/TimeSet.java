package dev.mcpwatch.reliability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Disjoint spans of time, in order: the time a monitor was not watched for the record (inside a
 * maintenance window that covers it, or paused). Every duration of the record is measured outside
 * it ({@link #outside}), so an outage that began in a deploy window counts from the window's end.
 */
public final class TimeSet {
    public static final TimeSet EMPTY = new TimeSet(List.of());

    private final List<Span> spans;

    private TimeSet(List<Span> spans) {
        this.spans = spans;
    }

    /** The union of these spans (overlapping and touching ones merged; empty ones dropped). */
    public static TimeSet of(List<Span> spans) {
        List<Span> sorted = spans.stream().filter(s -> s.length() > 0).sorted(Comparator.comparingLong(Span::start)).toList();
        List<Span> merged = new ArrayList<>();
        for (Span s : sorted) {
            Span last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && s.start() <= last.end()) {
                merged.set(merged.size() - 1, new Span(last.start(), Math.max(last.end(), s.end())));
            } else {
                merged.add(s);
            }
        }
        return merged.isEmpty() ? EMPTY : new TimeSet(List.copyOf(merged));
    }

    public TimeSet union(TimeSet other) {
        if (other.spans.isEmpty()) {
            return this;
        }
        if (spans.isEmpty()) {
            return other;
        }
        List<Span> all = new ArrayList<>(spans);
        all.addAll(other.spans);
        return of(all);
    }

    public List<Span> spans() {
        return spans;
    }

    public boolean isEmpty() {
        return spans.isEmpty();
    }

    public boolean contains(long t) {
        int i = indexAtOrBefore(t);
        return i >= 0 && spans.get(i).contains(t);
    }

    /** How much of {@code [from, to)} this set covers. */
    public long within(long from, long to) {
        if (to <= from) {
            return 0;
        }
        long sum = 0;
        for (int i = Math.max(0, indexAtOrBefore(from)); i < spans.size() && spans.get(i).start() < to; i++) {
            sum += spans.get(i).overlap(from, to);
        }
        return sum;
    }

    /** How much of {@code [from, to)} lies outside this set; 0 when {@code to} is not after {@code from}. */
    public long outside(long from, long to) {
        return to <= from ? 0 : (to - from) - within(from, to);
    }

    /** Whether some of {@code [from, to)} is in this set. */
    public boolean touches(long from, long to) {
        return within(from, to) > 0;
    }

    /** Whether all of {@code [from, to)} is in this set. */
    public boolean covers(long from, long to) {
        return to > from && within(from, to) == to - from;
    }

    /** The index of the last span starting at or before {@code t}, or -1. */
    private int indexAtOrBefore(long t) {
        int lo = 0;
        int hi = spans.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (spans.get(mid).start() <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeSet t && t.spans.equals(spans);
    }

    @Override
    public int hashCode() {
        return spans.hashCode();
    }

    @Override
    public String toString() {
        return spans.toString();
    }
}
