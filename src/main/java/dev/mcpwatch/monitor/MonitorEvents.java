package dev.mcpwatch.monitor;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners of monitor events; whoever produces an event publishes it here, in its transaction. */
public final class MonitorEvents {

    /**
     * Hears every {@link MonitorEvent} inside the transaction that produced it. A listener that throws
     * rolls the whole change back, so it must only write what belongs with the event (an outbox row, a
     * status-page update), never call out to the network.
     */
    @FunctionalInterface
    public interface Listener {
        void on(Connection c, MonitorEvent event) throws SQLException;
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    public void publish(Connection c, MonitorEvent event) throws SQLException {
        for (Listener l : listeners) {
            l.on(c, event);
        }
    }
}
