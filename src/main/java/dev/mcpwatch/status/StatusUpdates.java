package dev.mcpwatch.status;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * Public updates on an incident (investigating → identified → monitoring → resolved), kept as
 * incident events of kind {@value #KIND}: the dashboard's timeline and the status page's history are
 * the same record. A confirmed P1 gets an automatic "investigating" at once (the incident-response
 * guide asks for one within five minutes); when an incident that had updates resolves, a "resolved"
 * update closes its public story. Not inside a maintenance window covering the monitor: the status
 * page says "Under maintenance" then, and an outage there is the maintenance's, not news.
 */
public final class StatusUpdates implements MonitorEvents.Listener {
    public static final String KIND = "status_update";
    public static final List<String> STATES = List.of("investigating", "identified", "monitoring", "resolved");
    public static final String AUTHOR = "mcpwatch";
    public static final int MAX_MESSAGE = 4000;

    private final IncidentStore incidents = new IncidentStore();
    private final MonitorStore monitors = new MonitorStore();
    private final Runnable changed;
    private final Supplier<List<MaintenanceWindow>> maintenance;
    private final Incidents lifecycle;

    /**
     * {@code changed} runs after an update is written (status pages drop their cached copy); nothing is
     * posted automatically for a monitor inside one of the {@code maintenance} windows; updates go on
     * the incident's timeline through {@code lifecycle}.
     */
    public StatusUpdates(Runnable changed, Supplier<List<MaintenanceWindow>> maintenance, Incidents lifecycle) {
        this.changed = changed;
        this.maintenance = maintenance;
        this.lifecycle = lifecycle;
    }

    /** Writes an update; throws IllegalArgumentException with a sentence when status or message will not do. */
    public void post(Connection c, long incidentId, String status, String message, String author, boolean automatic, long at)
            throws SQLException {
        if (status == null || !STATES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + String.join(", ", STATES) + "; got '" + status + "'");
        }
        String text = message == null ? "" : message.strip();
        if (text.isEmpty() || text.length() > MAX_MESSAGE) {
            throw new IllegalArgumentException("message must have 1 to " + MAX_MESSAGE + " characters");
        }
        if (incidents.get(c, incidentId) == null) {
            throw new java.util.NoSuchElementException("no incident " + incidentId);
        }
        ObjectNode detail = Json.object();
        detail.put("status", status);
        detail.put("message", text);
        detail.put("author", author);
        detail.put("automatic", automatic);
        lifecycle.note(c, incidentId, at, KIND, detail);
        changed.run();
    }

    /** Runs inside the recording transaction: database writes only. */
    @Override
    public void on(Connection c, MonitorEvent event) throws SQLException {
        switch (event) {
            case MonitorEvent.IncidentOpened o when o.severity() == Severity.P1 && !inMaintenance(c, o.monitorId(), o.at()) ->
                    post(c, o.incidentId(), "investigating", "We are investigating an outage of " + name(c, o.monitorId()) + ".", AUTHOR,
                            true, o.at());
            case MonitorEvent.IncidentResolved r -> {
                var updates = incidents.events(c, List.of(r.incidentId()), KIND);
                if (!updates.isEmpty() && !"resolved".equals(updates.getLast().detail().path("status").asString())) {
                    String why = "monitor removed".equals(r.resolution()) ? " is no longer monitored." : " has recovered.";
                    post(c, r.incidentId(), "resolved", name(c, r.monitorId()) + why, AUTHOR, true, r.at());
                } else {
                    changed.run();
                }
            }
            case MonitorEvent.IncidentOpened o -> changed.run();
            default -> { }
        }
    }

    private boolean inMaintenance(Connection c, String monitorId, long at) throws SQLException {
        var windows = maintenance.get();
        if (windows.isEmpty()) {
            return false;
        }
        var m = monitors.get(c, monitorId);
        List<String> tags = m == null ? List.of() : m.tags();
        return windows.stream().anyMatch(w -> w.covers(monitorId, tags) && w.activeAt(Instant.ofEpochMilli(at)));
    }

    private String name(Connection c, String monitorId) throws SQLException {
        var m = monitors.get(c, monitorId);
        return m == null ? monitorId : m.name();
    }
}
