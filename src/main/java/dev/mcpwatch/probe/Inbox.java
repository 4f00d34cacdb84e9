package dev.mcpwatch.probe;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * The hand-over between a transport's reader thread (SSE stream, process stdout) and the probe
 * step waiting for a response. Bounded in items and in the memory of the messages it holds, so a
 * fast server cannot fill memory while a step is busy.
 */
final class Inbox {
    /** What the queued messages may take together, by their parsed size; one message is always let in. */
    static final long MAX_QUEUED_BYTES = 1024 * 1024;
    private static final int PERMIT_BYTES = 1024;
    private static final int PERMITS = (int) (MAX_QUEUED_BYTES / PERMIT_BYTES);

    sealed interface Item {}

    /**
     * A message: an SSE {@code message} event's data or one stdout line, parsed when it is JSON
     * ({@code json}), else as text; {@code cost} is roughly what it takes in memory.
     */
    record Message(JsonNode json, String text, long cost) implements Item {
        boolean isBlank() {
            return json == null && (text == null || text.isBlank());
        }
    }

    /** The deprecated SSE transport's {@code endpoint} event. */
    record Endpoint(String uri) implements Item {}

    /** The stream or the process output ended. */
    record End() implements Item {}

    /** The reader failed: a classified failure, or an I/O error to classify. */
    record Problem(ProbeFailure failure, IOException io) implements Item {}

    /** A message that was not JSON that could be kept; the step names it, with its own phase. */
    record Invalid(JsonFeed.Rejected rejected) implements Item {}

    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(64);
    private final Semaphore memory = new Semaphore(PERMITS);
    private volatile boolean closed;

    /** Called by the reader thread; waits while the inbox is full, gives up once it is closed. */
    void put(Item item) throws InterruptedException {
        int permits = permits(item);
        while (!closed && !memory.tryAcquire(permits, 100, TimeUnit.MILLISECONDS)) {
            // the step is busy with what came before; keep waiting unless the channel closes
        }
        if (closed) {
            return;
        }
        while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
            // the step is busy; keep waiting unless the channel closes
        }
    }

    /** The next item, or null when {@code endNanos} passes first. */
    Item poll(long endNanos) {
        try {
            long wait = endNanos - System.nanoTime();
            Item item = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
            if (item != null) {
                memory.release(permits(item));
            }
            return item;
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

    private static int permits(Item item) {
        return item instanceof Message m ? (int) Math.min(PERMITS, m.cost() / PERMIT_BYTES) : 0;
    }
}
