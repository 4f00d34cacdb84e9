package dev.mcpwatch.monitor;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Hears every {@link MonitorEvent} inside the transaction that produced it. A listener that throws
 * rolls the whole change back, so it must only write what belongs with the event (an outbox row, a
 * status-page update), never call out to the network.
 */
@FunctionalInterface
public interface EventListener {
    void on(Connection c, MonitorEvent event) throws SQLException;
}
