package dev.mcpwatch.monitor;

import dev.mcpwatch.probe.ProbeResult;

/**
 * Told of every probe as it is handed to the recorder (also one that then waits in memory while the
 * database is away), and of how long each write of a probe to the database took. For counting
 * (the {@code /metrics} figures); it decides nothing and must not block.
 */
public interface ProbeObserver {
    ProbeObserver NONE = new ProbeObserver() {
        @Override
        public void probed(String monitorId, ProbeResult result) {}

        @Override
        public void written(long nanos) {}
    };

    void probed(String monitorId, ProbeResult result);

    /** One probe's transaction committed after {@code nanos}. */
    void written(long nanos);
}
