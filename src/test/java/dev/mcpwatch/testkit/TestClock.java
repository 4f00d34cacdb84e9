package dev.mcpwatch.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A clock a test sets and moves by hand, handed to whatever decides by time in place of the system
 * clock: a test of an escalation delay or a digest period advances it past the boundary and runs one
 * round, instead of sleeping until the wall clock gets there.
 */
public final class TestClock implements InstantSource {
    private volatile Instant now;

    public TestClock(Instant start) {
        this.now = start;
    }

    public static TestClock at(String isoInstant) {
        return new TestClock(Instant.parse(isoInstant));
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    public synchronized TestClock advance(Duration d) {
        now = now.plus(d);
        return this;
    }

    public synchronized TestClock set(Instant t) {
        now = t;
        return this;
    }
}
