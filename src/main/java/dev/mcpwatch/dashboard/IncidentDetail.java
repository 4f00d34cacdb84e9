package dev.mcpwatch.dashboard;

import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentStatus;
import dev.mcpwatch.postmortem.Postmortems;
import dev.mcpwatch.runbook.ProbeCommandLine;
import dev.mcpwatch.runbook.RunbookMode;
import dev.mcpwatch.runbook.Runbooks;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.web.Frame;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The incident page: the incident, its monitor, the runbook of its failure mode with the incident's
 * facts filled in, its whole timeline, severity changes, deliveries and public updates.
 */
public final class IncidentDetail {

    public record Page(Frame frame, Incident incident, String monitorName, Runbook runbook, Postmortem postmortem, List<TimelineEntry> timeline,
            List<TimelineEntry> severityChanges, List<TimelineEntry> updates, List<IncidentAlerting.AttemptLine> deliveries,
            String deliveriesError, boolean canAcknowledge, List<String> states, String error, long now) {}

    /** Where the incident's postmortem stands: "draft", "saved" (with its version), required, overdue. */
    public record Postmortem(String status, Integer version, boolean required, boolean overdue) {}

    /**
     * The runbook as the on-call needs it, at step 3 rather than 1 (the runbook guide): which page,
     * the facts its first steps would look up (layer, phase, since when, the last good probe), and
     * the command that reproduces the probe (null for a monitor no longer stored).
     *
     * @param ownUrl the monitor's own {@code runbook_url}, linked first when set
     */
    public record Runbook(RunbookMode mode, Runbooks.Page page, String ownUrl, String layer, String phase, long since, Long lastGood,
            ProbeCommandLine.Command command) {}

    public record ListPage(Frame frame, String status, List<Incident> incidents, String next, long now) {}

    private final Database db;
    private final IncidentAlerting alerting;
    private final IncidentStore incidents = new IncidentStore();
    private final MonitorStore monitors = new MonitorStore();
    private final ResultStore results = new ResultStore();
    private final Runbooks runbooks;
    private final Postmortems postmortems;

    public IncidentDetail(Database db, IncidentAlerting alerting, Runbooks runbooks, Postmortems postmortems) {
        this.db = db;
        this.alerting = alerting;
        this.runbooks = runbooks;
        this.postmortems = postmortems;
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
        RunbookMode mode = RunbookMode.of(incident.headline().reason());
        Long lastGood = db.read(c -> results.lastHealthyBefore(c, incident.monitorId(), incident.onsetAt()));
        String ownUrl = monitor == null || monitor.config() == null ? null : monitor.config().path("runbook_url").asString(null);
        Runbook runbook = new Runbook(mode, runbooks.page(mode), ownUrl, incident.headline().layer().wireName(),
                incident.headline().phase().wireName(), incident.onsetAt(), lastGood,
                monitor == null || monitor.config() == null ? null : ProbeCommandLine.of(monitor.config()));
        Postmortems.View pm = postmortems.view(id);
        Postmortem postmortem = new Postmortem(pm.saved() == null ? "draft" : "saved", pm.saved() == null ? null : pm.saved().version(),
                pm.required(), pm.overdue());
        return new Page(frame, incident, monitor == null ? incident.monitorId() : monitor.name(), runbook, postmortem, timeline,
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
