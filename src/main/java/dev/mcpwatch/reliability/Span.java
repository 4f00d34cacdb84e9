package dev.mcpwatch.reliability;

/** A stretch of time, {@code [start, end)} in epoch milliseconds: a month, a maintenance window, a pause. */
public record Span(long start, long end) {

    public Span {
        if (end < start) {
            throw new IllegalArgumentException("a span ends before it starts: " + start + " > " + end);
        }
    }

    public long length() {
        return end - start;
    }

    public boolean contains(long t) {
        return t >= start && t < end;
    }

    /** How long this span and {@code [from, to)} share. */
    public long overlap(long from, long to) {
        return Math.max(0, Math.min(end, to) - Math.max(start, from));
    }
}
