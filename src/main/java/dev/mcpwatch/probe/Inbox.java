package dev.mcpwatch.probe;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The hand-over between a transport's reader thread (SSE stream, process stdout) and the probe
 * step waiting for a response. Bounded, so a fast server cannot fill memory while a step is busy.
 */
final class Inbox {
    sealed interface Item {}

    /** A message's text: an SSE {@code message} event's data or one stdout line. */
    record Message(String text) implements Item {}

    /** The deprecated SSE transport's {@code endpoint} event. */
    record Endpoint(String uri) implements Item {}

    /** The stream or the process output ended. */
    record End() implements Item {}

    /** The reader failed: a classified failure, or an I/O error to classify. */
    record Problem(ProbeFailure failure, IOException io) implements Item {}

    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(64);
    private volatile boolean closed;

    /** Called by the reader thread; waits while the inbox is full, gives up once it is closed. */
    void put(Item item) throws InterruptedException {
        while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
            // the step is busy; keep waiting unless the channel closes
        }
    }

    /** The next item, or null when {@code endNanos} passes first. */
    Item poll(long endNanos) {
        try {
            long wait = endNanos - System.nanoTime();
            return wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    void close() {
        closed = true;
        queue.clear();
    }

    boolean isClosed() {
        return closed;
    }
}
