package dev.mcpwatch.reliability;

/**
 * Where an SLO's events come from: the good and total events whose minute lies in a span, time
 * inside maintenance windows left out. The store answers from rollups; tests from a generated
 * history.
 */
@FunctionalInterface
public interface CountSource {
    Counts counts(Span span);
}
