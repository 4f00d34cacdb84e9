package dev.mcpwatch.monitor;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners of monitor events; whoever produces an event publishes it here, in its transaction. */
public final class Events {
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();

    public void listen(EventListener listener) {
        listeners.add(listener);
    }

    public void publish(Connection c, MonitorEvent event) throws SQLException {
        for (EventListener l : listeners) {
            l.on(c, event);
        }
    }
}
