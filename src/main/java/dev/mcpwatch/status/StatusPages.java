package dev.mcpwatch.status;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.config.WebSettings.StatusPageConfig;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.reliability.SloBoard;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.ToolListStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a public status page says, built from the stores. Only public facts go in: the operator's
 * names for monitors, a state in plain words, daily downtime minutes, uptime, p50/p95 latency, the
 * tool count and when the tool list last changed, incidents by impact with the operators' updates,
 * and maintenance in progress or scheduled. Failure messages, addresses, headers, probe phases and
 * step numbers stay in the dashboard.
 *
 * <p>Words follow Statuspage's conventions: a component is operational, under maintenance, shows
 * degraded performance (a P2) or a major outage (a P1); the page's headline says "Partial outage"
 * when some components are down and "Major outage" only when all of them (or all those marked
 * critical) are. A monitor inside a maintenance window is "Under maintenance" whatever its probes
 * say, and an incident that opened and ended inside a window is maintenance, not an incident.
 */
public final class StatusPages {
    static final int MAX_INCIDENTS = 25;
    /** How far ahead scheduled maintenance is listed. */
    static final Duration MAINTENANCE_AHEAD = Duration.ofDays(7);

    /**
     * @param state the worst state of its monitors (as before: outage, degraded, …)
     * @param headlineState what the headline says, as a word: major-outage, partial-outage, degraded, maintenance,
     *     auth-walled, operational, paused, unknown
     */
    public record PageView(String slug, String title, String description, String state, String headlineState, String headline,
            List<MonitorView> monitors, List<MaintenanceView> maintenance, List<IncidentView> incidents, long generatedAt,
            List<SloBoard.Attainment> objectives) {}

    /**
     * @param state operational, maintenance, auth-walled, degraded, outage, paused or unknown
     * @param uptimeSince the first day with data when the page has less than 90 days of it (uptime counts only days with data)
     */
    public record MonitorView(String id, String name, String state, String stateText, List<DailyBars.Day> days, Double uptime90d,
            Long uptimeSince, Double p50Ms, Double p95Ms, Integer toolCount, Long toolsChangedAt) {}

    /** Maintenance of some of the page's monitors: in progress now, or scheduled to start within a week. */
    public record MaintenanceView(List<String> monitorNames, long startsAt, long endsAt, boolean inProgress) {}

    public record IncidentView(long id, String monitorId, String monitorName, String impact, boolean open, long startedAt, Long resolvedAt,
            List<UpdateView> updates) {}

    public record UpdateView(String status, String message, long at) {}

    private final Database db;
    private final Supplier<WebSettings> web;
    private final Supplier<List<MaintenanceWindow>> maintenance;
    private final MonitorStore monitors = new MonitorStore();
    private final IncidentStore incidents = new IncidentStore();
    private final ToolListStore toolLists = new ToolListStore();
    private final RollupStore rollups;
    private final SloBoard slos;

    public StatusPages(Database db, Supplier<WebSettings> web) {
        this(db, web, List::of);
    }

    public StatusPages(Database db, Supplier<WebSettings> web, Supplier<List<MaintenanceWindow>> maintenance) {
        this(db, web, maintenance, null);
    }

    /**
     * {@code maintenance}: the windows in force (alerting's), read at every render so a reload takes
     * effect; {@code slos}: the SLOs, whose attainment a page shows for those marked {@code status_page}
     * (null: none).
     */
    public StatusPages(Database db, Supplier<WebSettings> web, Supplier<List<MaintenanceWindow>> maintenance, SloBoard slos) {
        this.db = db;
        this.slos = slos;
        this.web = web;
        this.maintenance = maintenance;
        this.rollups = new RollupStore(db.dialect());
    }

    public StatusPageConfig config(String slug) {
        return web.get().statusPage(slug).orElseThrow(() -> new java.util.NoSuchElementException("no status page '" + slug + "'"));
    }

    public List<StatusPageConfig> all() {
        return web.get().statusPages();
    }

    public boolean isPublic(String monitorId) {
        return web.get().isPublic(monitorId);
    }

    public PageView view(StatusPageConfig page, long now) throws SQLException {
        PageView v = db.read(c -> build(c, page, now));
        if (slos == null) {
            return v;
        }
        // read after the page's own connection is given back: an SLO reads the rollups with its own
        List<SloBoard.Attainment> objectives = slos.publicAttainment(v.monitors().stream().map(MonitorView::id).toList(), now);
        return new PageView(v.slug(), v.title(), v.description(), v.state(), v.headlineState(), v.headline(), v.monitors(), v.maintenance(),
                v.incidents(), v.generatedAt(), objectives);
    }

    /** One public monitor as its status page row shows it, or null when no status page shows it. */
    public MonitorView monitor(String monitorId, long now) throws SQLException {
        if (!isPublic(monitorId)) {
            return null;
        }
        return db.read(c -> {
            var rows = active(c, List.of(monitorId));
            return rows.isEmpty() ? null : monitorViews(c, rows, now).getFirst();
        });
    }

    /** Probe-based uptime of a public monitor over a window (badges). */
    public Double uptime(String monitorId, Duration window, long now) throws SQLException {
        Resolution res = window.compareTo(Duration.ofDays(30)) > 0 ? Resolution.DAY : Resolution.HOUR;
        return db.read(c -> rollups.summary(c, monitorId, res, now - window.toMillis(), now + 1)).availability();
    }

    private PageView build(Connection c, StatusPageConfig page, long now) throws SQLException {
        List<MonitorStore.MonitorRow> rows = active(c, page.monitors());
        List<MonitorView> views = monitorViews(c, rows, now);
        Map<String, String> names = new HashMap<>();
        views.forEach(m -> names.put(m.id(), m.name()));
        List<IncidentView> history = incidents(c, rows, names, now);
        String state = views.stream().map(MonitorView::state).reduce("unknown", StatusPages::worse);
        String headlineState = headlineState(views, page.critical());
        return new PageView(page.slug(), page.title(), page.description(), state, headlineState, headline(headlineState), views,
                maintenanceViews(rows, names, now), history, now, List.of());
    }

    private List<MonitorStore.MonitorRow> active(Connection c, List<String> wanted) throws SQLException {
        List<MonitorStore.MonitorRow> rows = new ArrayList<>();
        for (String id : wanted) {
            var row = monitors.get(c, id);
            if (row != null && row.removedAt() == null) {
                rows.add(row);
            }
        }
        return rows;
    }

    private List<MonitorView> monitorViews(Connection c, List<MonitorStore.MonitorRow> rows, long now) throws SQLException {
        List<String> ids = rows.stream().map(MonitorStore.MonitorRow::id).toList();
        Map<String, MonitorStore.MonitorRow> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.id(), r));
        long first = DailyBars.firstDay(now);
        Map<String, long[]> downtime = incidents.downtimeByDay(c, ids, first, DailyBars.DAYS, now,
                i -> byId.get(i.monitorId()) == null || !insideMaintenance(i, byId.get(i.monitorId()), now));
        Map<String, List<RollupStore.DayCount>> counts = rollups.dailyCounts(c, ids, first, now + 1);
        Map<String, RollupStore.Summary> lastDay = rollups.summaries(c, ids, Resolution.HOUR, now - Duration.ofHours(24).toMillis(), now + 1);
        Map<String, RollupStore.Summary> ninety = rollups.summaries(c, ids, Resolution.DAY, first, now + 1);
        Map<Long, Severity> severities = incidents.severities(c,
                rows.stream().map(MonitorStore.MonitorRow::openIncidentId).filter(java.util.Objects::nonNull).toList());
        List<MonitorView> out = new ArrayList<>();
        for (var row : rows) {
            Severity severity = row.openIncidentId() == null ? null : severities.get(row.openIncidentId());
            String state = state(row, severity, inMaintenance(row, now));
            var day = lastDay.get(row.id());
            var tools = toolLists.history(c, row.id(), 1);
            var all = ninety.get(row.id());
            Long since = DailyBars.firstDayWithData(counts.get(row.id()));
            boolean ongoing = "outage".equals(state) || "degraded".equals(state);
            out.add(new MonitorView(row.id(), row.name(), state, stateText(state),
                    DailyBars.of(downtime.get(row.id()), counts.get(row.id()), now, ongoing), all == null ? null : all.availability(),
                    since != null && since > first ? since : null,
                    day == null ? null : day.latency().quantile(0.50), day == null ? null : day.latency().quantile(0.95),
                    tools.isEmpty() ? null : tools.getFirst().toolCount(), tools.isEmpty() ? null : tools.getFirst().seenAt()));
        }
        return out;
    }

    private List<IncidentView> incidents(Connection c, List<MonitorStore.MonitorRow> rows, Map<String, String> names, long now)
            throws SQLException {
        Map<String, MonitorStore.MonitorRow> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.id(), r));
        var found = incidents.overlapping(c, List.copyOf(byId.keySet()), now - Duration.ofDays(DailyBars.DAYS).toMillis(), now + 1).stream()
                .filter(i -> i.severity() != Severity.P3) // warnings are internal (incident-response guide)
                .filter(i -> !insideMaintenance(i, byId.get(i.monitorId()), now)) // maintenance, not an incident
                .limit(MAX_INCIDENTS).toList();
        Map<Long, List<UpdateView>> updates = new HashMap<>();
        for (var e : incidents.events(c, found.stream().map(Incident::id).toList(), StatusUpdates.KIND)) {
            updates.computeIfAbsent(e.incidentId(), k -> new ArrayList<>())
                    .add(new UpdateView(e.detail().path("status").asString(), e.detail().path("message").asString(), e.at()));
        }
        List<IncidentView> out = new ArrayList<>();
        for (var i : found) {
            // Newest first, in the order they were written (an automatic update carries the probe's time).
            List<UpdateView> u = new ArrayList<>(updates.getOrDefault(i.id(), List.of())).reversed();
            boolean open = i.open();
            out.add(new IncidentView(i.id(), i.monitorId(), names.getOrDefault(i.monitorId(), i.monitorId()),
                    impact(i, open ? i.severityNow() : i.severity()), open, i.onsetAt(), i.resolvedAt(), u));
        }
        return out;
    }

    /** Maintenance in progress now, then maintenance starting within a week, each with the page's monitors it covers. */
    private List<MaintenanceView> maintenanceViews(List<MonitorStore.MonitorRow> rows, Map<String, String> names, long now) {
        Instant t = Instant.ofEpochMilli(now);
        List<MaintenanceView> out = new ArrayList<>();
        for (MaintenanceWindow w : maintenance.get()) {
            List<String> covered = rows.stream().filter(r -> w.covers(r.id(), r.tags())).map(r -> names.getOrDefault(r.id(), r.name()))
                    .toList();
            MaintenanceWindow.Occurrence o = covered.isEmpty() ? null : w.currentOrNext(t);
            if (o == null || o.start().isAfter(t.plus(MAINTENANCE_AHEAD))) {
                continue;
            }
            out.add(new MaintenanceView(covered, o.start().toEpochMilli(), o.end().toEpochMilli(), o.inProgressAt(t)));
        }
        out.sort(Comparator.comparing(MaintenanceView::startsAt));
        return out;
    }

    /** Whether a maintenance window covering the monitor is in progress at {@code now}. */
    private boolean inMaintenance(MonitorStore.MonitorRow row, long now) {
        Instant t = Instant.ofEpochMilli(now);
        return maintenance.get().stream().anyMatch(w -> w.covers(row.id(), row.tags()) && w.activeAt(t));
    }

    /**
     * An incident that was detected inside a window covering its monitor and that ended inside it (or
     * is open while the window still runs) is the maintenance's doing, not an incident of the page.
     */
    private boolean insideMaintenance(Incident i, MonitorStore.MonitorRow row, long now) {
        if (row == null) {
            return false;
        }
        Instant detected = Instant.ofEpochMilli(i.detectedAt());
        for (MaintenanceWindow w : maintenance.get()) {
            Instant end = w.covers(row.id(), row.tags()) ? w.endOfOccurrence(detected) : null;
            if (end != null && (i.resolvedAt() == null ? now < end.toEpochMilli() : i.resolvedAt() <= end.toEpochMilli())) {
                return true;
            }
        }
        return false;
    }

    private static String impact(Incident i, Severity severity) {
        if (i.headline().reason() == Reason.AUTH_REQUIRED) {
            return "Authentication required";
        }
        return severity == Severity.P1 ? "Major outage" : "Degraded performance";
    }

    static String state(MonitorStore.MonitorRow row, Severity openSeverity, boolean inMaintenance) {
        if (row.paused()) {
            return "paused";
        }
        if (inMaintenance) {
            return "maintenance";
        }
        if ("auth-walled".equals(row.status())) {
            return "auth-walled";
        }
        if (openSeverity != null && openSeverity != Severity.P3) {
            return openSeverity == Severity.P1 ? "outage" : "degraded";
        }
        return "unknown".equals(row.status()) ? "unknown" : "operational";
    }

    static String stateText(String state) {
        return switch (state) {
            case "outage" -> "Major outage";
            case "degraded" -> "Degraded performance";
            case "maintenance" -> "Under maintenance";
            case "auth-walled" -> "Authentication required";
            case "operational" -> "Operational";
            case "paused" -> "Paused";
            default -> "No data yet";
        };
    }

    /**
     * The headline, Statuspage's way: a major outage when every monitor with a state is down (or every
     * one marked critical is), a partial outage when some are, degraded performance for P2s, then
     * maintenance, then monitors mcpwatch cannot check (auth-walled), then all operational.
     */
    static String headlineState(List<MonitorView> views, List<String> critical) {
        List<MonitorView> judged = views.stream().filter(v -> !v.state().equals("paused") && !v.state().equals("unknown")).toList();
        long down = judged.stream().filter(v -> v.state().equals("outage")).count();
        if (down > 0) {
            List<MonitorView> criticalViews = judged.stream().filter(v -> critical.contains(v.id())).toList();
            boolean allCriticalDown = !criticalViews.isEmpty() && criticalViews.stream().allMatch(v -> v.state().equals("outage"));
            return down == judged.size() || allCriticalDown ? "major-outage" : "partial-outage";
        }
        for (String s : List.of("degraded", "maintenance", "auth-walled", "operational")) {
            if (judged.stream().anyMatch(v -> v.state().equals(s))) {
                return s;
            }
        }
        return views.stream().anyMatch(v -> v.state().equals("paused")) ? "paused" : "unknown";
    }

    static String headline(String headlineState) {
        return switch (headlineState) {
            case "major-outage" -> "Major outage";
            case "partial-outage" -> "Partial outage";
            case "degraded" -> "Degraded performance";
            case "maintenance" -> "Under maintenance";
            case "auth-walled" -> "Some services could not be checked";
            case "operational" -> "All systems operational";
            case "paused" -> "Monitoring paused";
            default -> "No data yet";
        };
    }

    /** The worse of two states: outage, then degraded, maintenance, auth-walled, operational. */
    static String worse(String a, String b) {
        List<String> order = List.of("outage", "degraded", "maintenance", "auth-walled", "operational", "paused", "unknown");
        return order.indexOf(a) <= order.indexOf(b) ? a : b;
    }
}
