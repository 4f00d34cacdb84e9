package dev.mcpwatch.dashboard;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Quorum;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.AuthInfo;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.TlsInfo;
import dev.mcpwatch.status.DailyBars;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.LocationStateStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.SchemaStore;
import dev.mcpwatch.store.ToolListStore;
import dev.mcpwatch.store.WarningStore;
import dev.mcpwatch.web.Frame;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/** Everything the monitor page shows, read in one go. */
public final class MonitorDetail {
    static final int HISTORY = 20;
    static final int INCIDENTS = 10;
    static final int FAILURES = 10;

    /** A chart range: its name, length and the rollup resolution its buckets come from. */
    public record Range(String name, Duration length, Resolution resolution) {}

    public static final List<Range> RANGES = List.of(new Range("24h", Duration.ofHours(24), Resolution.HOUR),
            new Range("7d", Duration.ofDays(7), Resolution.HOUR), new Range("30d", Duration.ofDays(30), Resolution.DAY));

    /** Uptime and latency over one window. */
    public record Window(String name, long probes, long failures, Double uptime, Double p50, Double p95) {}

    /** The last probe: when, whether healthy, its failure if any, and its phases. */
    public record LastProbe(long at, boolean healthy, String reason, String layer, String phase, String message, String totalMs,
            List<Charts.WaterfallBar> bars, String server, String protocol) {}

    public record ToolRow(String name, String title, String description, String params) {}

    /** One entry of the tool list history, with how it differs from the entry before. */
    public record ToolVersion(long seenAt, int toolCount, String serverVersion, String fingerprint, boolean first,
            List<ToolDiffer.ToolChange> changes) {}

    public record IncidentItem(Incident incident, List<TimelineEntry> timeline) {}

    public record FailedProbe(long at, String reason, String layer, String phase, String message, String raw) {}

    /** The TLS certificate the last handshake showed, with its days left now (one rule everywhere: {@link TlsInfo#daysLeft}). */
    public record Certificate(TlsInfo tls, long seenAt, long daysLeft) {}

    /** The schema baseline and how the current list differs from it, while it does (for the acknowledge button). */
    public record Drift(SchemaStore.Baseline baseline, String currentFingerprint, int currentCount, List<ToolDiffer.ToolChange> changes) {
        public long breaking() {
            return changes.stream().filter(ToolDiffer.ToolChange::breaking).count();
        }
    }

    /**
     * @param state what the state pill says (see {@link Overview#state})
     * @param auth what the last probe found behind an authentication wall (RFC 9728 metadata), or null
     * @param maintenanceUntil the end of the maintenance window holding the monitor's alerts now, or null
     */
    public record Page(Frame frame, MonitorStore.MonitorRow monitor, Severity severity, String state, boolean editable, LastProbe last,
            Range range, Charts.PhaseChart chart, List<DailyBars.Day> days, List<Window> windows, List<ToolRow> tools,
            List<ToolVersion> history, Drift drift, List<WarningStore.WarningRow> warnings, Certificate certificate, AuthInfo auth,
            Long maintenanceUntil, List<IncidentItem> incidents, List<FailedProbe> failures, List<Quorum.Location> locations, long now) {}

    private final Database db;
    private final ToolDiffer differ;
    private final Supplier<List<MaintenanceWindow>> maintenance;
    private final WarningStore warnings = new WarningStore();
    private final LocationStateStore locations = new LocationStateStore();
    private final SchemaStore schemas = new SchemaStore();
    private final MonitorStore monitors = new MonitorStore();
    private final IncidentStore incidents = new IncidentStore();
    private final ResultStore results = new ResultStore();
    private final ToolListStore toolLists = new ToolListStore();
    private final RollupStore rollups;

    public MonitorDetail(Database db, ToolDiffer differ) {
        this(db, differ, List::of);
    }

    public MonitorDetail(Database db, ToolDiffer differ, Supplier<List<MaintenanceWindow>> maintenance) {
        this.db = db;
        this.differ = differ;
        this.maintenance = maintenance;
        this.rollups = new RollupStore(db.dialect());
    }

    public Page page(Frame frame, String id, Range range, long now) throws SQLException {
        return db.read(c -> {
            var m = monitors.get(c, id);
            if (m == null) {
                throw new NoSuchElementException("no monitor '" + id + "'");
            }
            Severity severity = m.openIncidentId() == null ? null : incidents.severities(c, List.of(m.openIncidentId())).get(m.openIncidentId());
            long from = range.resolution().bucketStart(now - range.length().toMillis());
            var chart = Charts.phases(rollups.buckets(c, id, range.resolution(), from, now + 1), from,
                    range.resolution().bucketStart(now) + range.resolution().millis(), range.resolution().millis());
            long first = DailyBars.firstDay(now);
            var days = DailyBars.of(incidents.downtimeByDay(c, List.of(id), first, DailyBars.DAYS, now).get(id),
                    rollups.dailyCounts(c, List.of(id), first, now + 1).get(id), now, severity != null);
            var lastResult = m.lastResultId() == null ? null : results.get(c, m.lastResultId());
            return new Page(frame, m, severity, Overview.state(m, severity), "api".equals(m.source()) && m.removedAt() == null,
                    last(m, lastResult), range, chart, days, windows(c, id, now), tools(c, id), history(c, id), drift(c, m),
                    warnings.page(c, id, true, null, 50), certificate(c, m, lastResult, now), auth(lastResult),
                    Overview.maintenanceUntil(maintenance.get(), m, now), incidentItems(c, id), failures(c, id), locations.all(c, id), now);
        });
    }

    /** The current list against the baseline, when they differ and the last probe passed (a failed probe's list is no drift). */
    private Drift drift(Connection c, MonitorStore.MonitorRow m) throws SQLException {
        var baseline = schemas.current(c, m.id());
        var current = toolLists.current(c, m.id());
        if (baseline == null || current == null || current.id() == baseline.toolListId() || !Boolean.TRUE.equals(m.lastHealthy())) {
            return null;
        }
        var changes = differ.diff(toolLists.get(c, baseline.toolListId()).tools(), current.tools());
        return new Drift(baseline, current.fingerprint(), current.toolCount(), changes);
    }

    /** The certificate of the last probe that completed a handshake (the last probe's, or the newest in the raw history). */
    private Certificate certificate(Connection c, MonitorStore.MonitorRow m, ResultStore.ResultRow last, long now) throws SQLException {
        ResultStore.ResultRow withTls = last != null && last.detail().path("tls").has("notAfter") ? last : null;
        if (withTls == null && m.tlsNotAfter() != null) {
            withTls = results.page(c, m.id(), 0, now + 1, null, null, 20).stream()
                    .filter(r -> r.detail().path("tls").has("notAfter")).findFirst().orElse(null);
        }
        if (withTls == null) {
            return null;
        }
        TlsInfo tls = Json.MAPPER.treeToValue(withTls.detail().get("tls"), TlsInfo.class);
        return new Certificate(tls, withTls.startedAt(), TlsInfo.daysLeft(tls.notAfter(), Instant.ofEpochMilli(now)));
    }

    private static AuthInfo auth(ResultStore.ResultRow last) {
        if (last == null || !last.detail().path("auth").isObject()) {
            return null;
        }
        return Json.MAPPER.treeToValue(last.detail().get("auth"), AuthInfo.class);
    }

    private static LastProbe last(MonitorStore.MonitorRow m, ResultStore.ResultRow r) {
        if (m.lastResultId() == null || r == null) {
            return null; // never probed, or older than raw retention
        }
        String server = r.serverName() == null ? null : r.serverName() + (r.serverVersion() == null ? "" : " " + r.serverVersion());
        return new LastProbe(r.startedAt(), r.healthy(), r.reason(), r.layer(), r.phase(), r.message(), dev.mcpwatch.web.Fmt.ms(r.totalMs()),
                Charts.waterfall(r.detail()), server, r.protocolVersion());
    }

    private List<Window> windows(Connection c, String id, long now) throws SQLException {
        List<Window> out = new ArrayList<>();
        for (var w : List.of(new Range("24h", Duration.ofHours(24), Resolution.HOUR), new Range("7d", Duration.ofDays(7), Resolution.HOUR),
                new Range("30d", Duration.ofDays(30), Resolution.HOUR), new Range("90d", Duration.ofDays(90), Resolution.DAY))) {
            var s = rollups.summary(c, id, w.resolution(), now - w.length().toMillis(), now + 1);
            out.add(new Window(w.name(), s.probes(), s.failures(), s.availability(), s.latency().quantile(0.5), s.latency().quantile(0.95)));
        }
        return out;
    }

    private List<ToolRow> tools(Connection c, String id) throws SQLException {
        var current = toolLists.current(c, id);
        List<ToolRow> out = new ArrayList<>();
        if (current != null) {
            for (JsonNode t : current.tools()) {
                out.add(new ToolRow(t.path("name").asString(""), t.path("title").asString(null), t.path("description").asString(null),
                        params(t.path("inputSchema"))));
            }
        }
        return out;
    }

    private List<ToolVersion> history(Connection c, String id) throws SQLException {
        // One more than shown, so the oldest shown entry has its predecessor to be compared with.
        var entries = toolLists.history(c, id, HISTORY + 1);
        List<ToolVersion> out = new ArrayList<>();
        for (int i = 0; i < Math.min(HISTORY, entries.size()); i++) {
            var e = entries.get(i);
            var after = toolLists.get(c, e.toolListId());
            boolean first = i + 1 >= entries.size();
            List<ToolDiffer.ToolChange> changes = first ? List.of()
                    : differ.diff(toolLists.get(c, entries.get(i + 1).toolListId()).tools(), after.tools());
            out.add(new ToolVersion(e.seenAt(), e.toolCount(), e.serverVersion(), e.fingerprint(), first, changes));
        }
        return out;
    }

    private List<IncidentItem> incidentItems(Connection c, String id) throws SQLException {
        List<IncidentItem> out = new ArrayList<>();
        for (var i : incidents.page(c, id, null, null, INCIDENTS)) {
            out.add(new IncidentItem(i, incidents.events(c, i.id()).stream().map(TimelineEntry::of).toList()));
        }
        return out;
    }

    private List<FailedProbe> failures(Connection c, String id) throws SQLException {
        List<FailedProbe> out = new ArrayList<>();
        for (var r : results.recentFailures(c, id, FAILURES)) {
            out.add(new FailedProbe(r.startedAt(), r.reason(), r.layer(), r.phase(), r.message(),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r.detail())));
        }
        return out;
    }

    /** "city: string (required), days: number". */
    static String params(JsonNode schema) {
        List<String> out = new ArrayList<>();
        var required = new java.util.HashSet<String>();
        schema.path("required").forEach(r -> required.add(r.asString()));
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            out.add(p.getKey() + ": " + typeOf(p.getValue()) + (required.contains(p.getKey()) ? " (required)" : ""));
        }
        return out.isEmpty() ? "no parameters" : String.join(", ", out);
    }

    private static String typeOf(tools.jackson.databind.JsonNode schema) {
        if (schema == null) {
            return "?";
        }
        tools.jackson.databind.JsonNode t = schema.get("type");
        return t == null ? "any" : t.isString() ? t.asString() : t.toString();
    }
}
