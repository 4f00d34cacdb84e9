package dev.mcpwatch.dashboard;

import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentStatus;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.web.Frame;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** The incident page: the incident, its monitor, its whole timeline, severity changes, deliveries and public updates. */
public final class IncidentDetail {

    public record Page(Frame frame, Incident incident, String monitorName, List<TimelineEntry> timeline,
            List<TimelineEntry> severityChanges, List<TimelineEntry> updates, List<IncidentAlerting.AttemptLine> deliveries,
            String deliveriesError, boolean canAcknowledge, List<String> states, String error, long now) {}

    public record ListPage(Frame frame, String status, List<Incident> incidents, String next, long now) {}

    private final Database db;
    private final IncidentAlerting alerting;
    private final IncidentStore incidents = new IncidentStore();
    private final MonitorStore monitors = new MonitorStore();

    public IncidentDetail(Database db, IncidentAlerting alerting) {
        this.db = db;
        this.alerting = alerting;
    }

    public Page page(Frame frame, long id, String error, long now) throws SQLException {
        var incident = db.read(c -> incidents.get(c, id));
        if (incident == null) {
            throw new NoSuchElementException("no incident " + id);
        }
        var monitor = db.read(c -> monitors.get(c, incident.monitorId()));
        List<TimelineEntry> timeline = db.read(c -> incidents.events(c, id)).stream().map(TimelineEntry::of).toList();
        List<IncidentAlerting.AttemptLine> deliveries = new ArrayList<>();
        String deliveriesError = null;
        try {
            deliveries.addAll(alerting.deliveries(id));
        } catch (Exception e) {
            deliveriesError = "deliveries could not be read: " + e.getMessage();
        }
        return new Page(frame, incident, monitor == null ? incident.monitorId() : monitor.name(), timeline,
                timeline.stream().filter(t -> t.kind().equals("severity_changed") || t.kind().equals("opened")).toList(),
                timeline.stream().filter(t -> t.kind().equals(dev.mcpwatch.status.StatusUpdates.KIND)).toList(), deliveries,
                deliveriesError, alerting.canAcknowledge() && incident.acknowledgedAt() == null && incident.open(),
                dev.mcpwatch.status.StatusUpdates.STATES, error, now);
    }

    public ListPage list(Frame frame, String status, Long before, long now) throws SQLException {
        IncidentStatus only = status == null ? null : IncidentStatus.fromWireName(status);
        var page = db.read(c -> incidents.page(c, null, only, before, 51));
        String next = page.size() > 50 ? Long.toString(page.get(49).id()) : null;
        return new ListPage(frame, status, page.size() > 50 ? page.subList(0, 50) : page, next, now);
    }
}
