package dev.mcpwatch.status;

import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.config.WebSettings.StatusPageConfig;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.ToolListStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a public status page says, built from the stores. Only public facts go in: the operator's
 * names for monitors, a state in plain words, daily downtime minutes, uptime, p50/p95 latency, the
 * tool count and when the tool list last changed, incidents by impact with the operators' updates.
 * Failure messages, addresses, headers, probe phases and step numbers stay in the dashboard.
 */
public final class StatusPages {
    static final int MAX_INCIDENTS = 25;

    public record PageView(String slug, String title, String description, String state, String headline, List<MonitorView> monitors,
            List<IncidentView> incidents, long generatedAt) {}

    public record MonitorView(String id, String name, String state, String stateText, List<DailyBars.Day> days, Double uptime90d,
            Double p50Ms, Double p95Ms, Integer toolCount, Long toolsChangedAt) {}

    public record IncidentView(long id, String monitorId, String monitorName, String impact, boolean open, long startedAt, Long resolvedAt,
            List<UpdateView> updates) {}

    public record UpdateView(String status, String message, long at) {}

    private final Database db;
    private final Supplier<WebSettings> web;
    private final MonitorStore monitors = new MonitorStore();
    private final IncidentStore incidents = new IncidentStore();
    private final ToolListStore toolLists = new ToolListStore();
    private final RollupStore rollups;

    public StatusPages(Database db, Supplier<WebSettings> web) {
        this.db = db;
        this.web = web;
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
        return db.read(c -> build(c, page, now));
    }

    /** One public monitor as its status page row shows it, or null when no status page shows it. */
    public MonitorView monitor(String monitorId, long now) throws SQLException {
        if (!isPublic(monitorId)) {
            return null;
        }
        return db.read(c -> {
            var rows = monitorViews(c, List.of(monitorId), now);
            return rows.isEmpty() ? null : rows.getFirst();
        });
    }

    /** Probe-based uptime of a public monitor over a window (badges). */
    public Double uptime(String monitorId, Duration window, long now) throws SQLException {
        Resolution res = window.compareTo(Duration.ofDays(30)) > 0 ? Resolution.DAY : Resolution.HOUR;
        return db.read(c -> rollups.summary(c, monitorId, res, now - window.toMillis(), now + 1)).availability();
    }

    private PageView build(Connection c, StatusPageConfig page, long now) throws SQLException {
        List<MonitorView> rows = monitorViews(c, page.monitors(), now);
        Map<String, String> names = new HashMap<>();
        rows.forEach(m -> names.put(m.id(), m.name()));
        List<IncidentView> history = incidents(c, List.copyOf(names.keySet()), names, now);
        String state = rows.stream().map(MonitorView::state).reduce("unknown", StatusPages::worse);
        String headline = switch (state) {
            case "outage" -> "Major outage";
            case "degraded" -> "Partial outage";
            case "operational" -> "All systems operational";
            case "paused" -> "Monitoring paused";
            default -> "No data yet";
        };
        return new PageView(page.slug(), page.title(), page.description(), state, headline, rows, history, now);
    }

    private List<MonitorView> monitorViews(Connection c, List<String> wanted, long now) throws SQLException {
        List<MonitorStore.MonitorRow> rows = new ArrayList<>();
        for (String id : wanted) {
            var row = monitors.get(c, id);
            if (row != null && row.removedAt() == null) {
                rows.add(row);
            }
        }
        List<String> ids = rows.stream().map(MonitorStore.MonitorRow::id).toList();
        long first = DailyBars.firstDay(now);
        Map<String, long[]> downtime = incidents.downtimeByDay(c, ids, first, DailyBars.DAYS, now);
        Map<String, List<RollupStore.DayCount>> counts = rollups.dailyCounts(c, ids, first, now + 1);
        Map<String, RollupStore.Summary> lastDay = rollups.summaries(c, ids, Resolution.HOUR, now - Duration.ofHours(24).toMillis(), now + 1);
        Map<String, RollupStore.Summary> ninety = rollups.summaries(c, ids, Resolution.DAY, first, now + 1);
        Map<Long, Severity> severities = incidents.severities(c,
                rows.stream().map(MonitorStore.MonitorRow::openIncidentId).filter(java.util.Objects::nonNull).toList());
        List<MonitorView> out = new ArrayList<>();
        for (var row : rows) {
            String state = state(row, row.openIncidentId() == null ? null : severities.get(row.openIncidentId()));
            var day = lastDay.get(row.id());
            var tools = toolLists.history(c, row.id(), 1);
            var all = ninety.get(row.id());
            out.add(new MonitorView(row.id(), row.name(), state, stateText(state),
                    DailyBars.of(downtime.get(row.id()), counts.get(row.id()), now), all == null ? null : all.availability(),
                    day == null ? null : day.latency().quantile(0.50), day == null ? null : day.latency().quantile(0.95),
                    tools.isEmpty() ? null : tools.getFirst().toolCount(), tools.isEmpty() ? null : tools.getFirst().seenAt()));
        }
        return out;
    }

    private List<IncidentView> incidents(Connection c, List<String> ids, Map<String, String> names, long now) throws SQLException {
        var found = incidents.overlapping(c, ids, now - Duration.ofDays(DailyBars.DAYS).toMillis(), now + 1).stream()
                .filter(i -> i.severity() != Severity.P3) // warnings are internal (incident-response guide)
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
            out.add(new IncidentView(i.id(), i.monitorId(), names.getOrDefault(i.monitorId(), i.monitorId()),
                    i.severity() == Severity.P1 ? "Major outage" : "Partial outage", i.open(), i.onsetAt(), i.resolvedAt(),
                    u));
        }
        return out;
    }

    static String state(MonitorStore.MonitorRow row, Severity openSeverity) {
        if (row.paused()) {
            return "paused";
        }
        if (openSeverity != null && openSeverity != Severity.P3) {
            return openSeverity == Severity.P1 ? "outage" : "degraded";
        }
        return "unknown".equals(row.status()) ? "unknown" : "operational";
    }

    static String stateText(String state) {
        return switch (state) {
            case "outage" -> "Major outage";
            case "degraded" -> "Partial outage";
            case "operational" -> "Operational";
            case "paused" -> "Paused";
            default -> "No data yet";
        };
    }

    /** The worse of two states, for the headline: outage, then degraded, then operational. */
    static String worse(String a, String b) {
        List<String> order = List.of("outage", "degraded", "operational", "paused", "unknown");
        return order.indexOf(a) <= order.indexOf(b) ? a : b;
    }
}
