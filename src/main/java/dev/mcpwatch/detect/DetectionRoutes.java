package dev.mcpwatch.detect;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.schema.Drift;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.DetectionStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.SchemaStore;
import dev.mcpwatch.store.ToolListStore;
import dev.mcpwatch.store.WarningStore;
import dev.mcpwatch.web.Params;
import dev.mcpwatch.web.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Detection's API: a monitor's schema drift (baseline, current list, the changes, every baseline and
 * acknowledgement, every drift), acknowledging a drift, the diff between any two lists a monitor
 * served, P3 warnings, and the conditions each rule holds now — why an incident or warning exists.
 *
 * <pre>
 * GET  /api/monitors/{id}/drift                 baseline, current list, changes, acknowledgements, recent drifts
 * POST /api/monitors/{id}/drift/ack             {"by", "note", "fingerprint"} (all optional) → the new baseline
 * GET  /api/monitors/{id}/drift/diff?from=&to=  changes between two tool lists the monitor served (ids from /tools)
 * GET  /api/monitors/{id}/drifts                every drift, newest first (cursor-paged)
 * GET  /api/monitors/{id}/warnings?active=true  the monitor's warnings, newest first (cursor-paged)
 * GET  /api/warnings?active=true&amp;monitor=       every monitor's warnings
 * GET  /api/monitors/{id}/detection             the conditions each rule holds now
 * </pre>
 */
public final class DetectionRoutes implements Routes {
    private final Database db;
    private final MonitorStore monitors = new MonitorStore();
    private final ToolListStore toolLists = new ToolListStore();
    private final SchemaStore schemas = new SchemaStore();
    private final WarningStore warnings = new WarningStore();
    private final DetectionStore detection = new DetectionStore();
    private final DriftAcknowledgement acknowledgement = new DriftAcknowledgement();
    private final InstantSource clock;

    public DetectionRoutes(Database db, InstantSource clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/monitors/{id}/drift", this::drift);
        routes.post("/api/monitors/{id}/drift/ack", this::acknowledge);
        routes.get("/api/monitors/{id}/drift/diff", this::diff);
        routes.get("/api/monitors/{id}/drifts", this::drifts);
        routes.get("/api/monitors/{id}/warnings", ctx -> warnings(ctx, requireMonitor(ctx.pathParam("id")).id()));
        routes.get("/api/warnings", ctx -> warnings(ctx, ctx.queryParam("monitor") == null ? null
                : requireMonitor(ctx.queryParam("monitor")).id()));
        routes.get("/api/monitors/{id}/detection", this::conditions);
        routes.exception(DriftAcknowledgement.Conflict.class, (e, ctx) -> ctx.status(409).json(Map.of("error", e.getMessage())));
    }

    private void drift(Context ctx) throws SQLException {
        ctx.json(drift(ctx.pathParam("id")));
    }

    /** Monitor {@code monitorId}'s tool-list drift: baseline, current list, the changes between them, acknowledgements, recent drifts. */
    public Map<String, Object> drift(String monitorId) throws SQLException {
        String id = requireMonitor(monitorId).id();
        Map<String, Object> out = db.read(c -> {
            SchemaStore.Baseline baseline = schemas.current(c, id);
            ToolListStore.StoredList current = toolLists.current(c, id);
            MonitorStore.MonitorRow row = monitors.get(c, id);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("monitor", id);
            o.put("baseline", baseline);
            o.put("current", current == null ? null : list(current, row.serverVersion()));
            boolean drifted = baseline != null && current != null && baseline.toolListId() != current.id();
            o.put("drifted", drifted);
            o.put("drift", drifted ? driftJson(Drift.between(toolLists.get(c, baseline.toolListId()).tools(), baseline.serverVersion(),
                    current.tools(), row.serverVersion())) : null);
            o.put("acknowledgements", schemas.history(c, id, 100));
            o.put("drifts", schemas.drifts(c, id, null, 10));
            return o;
        });
        return out;
    }

    private void acknowledge(Context ctx) throws SQLException {
        String id = requireMonitor(ctx.pathParam("id")).id();
        JsonNode body = body(ctx);
        String by = text(body, "by", "api");
        String note = text(body, "note", null);
        String fingerprint = text(body, "fingerprint", null);
        var result = db.transaction(c -> acknowledgement.acknowledge(c, id, fingerprint, by, note, clock.millis()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("monitor", id);
        out.put("baseline", result.baseline());
        out.put("replaced", result.replaced());
        out.put("driftsAcknowledged", result.driftsAcknowledged());
        out.put("warningsCleared", result.warningsCleared());
        ctx.json(out);
    }

    private void diff(Context ctx) throws SQLException {
        String id = requireMonitor(ctx.pathParam("id")).id();
        Long from = longParam(ctx, "from");
        Long to = longParam(ctx, "to");
        Map<String, Object> out = db.read(c -> {
            List<ToolListStore.HistoryEntry> served = toolLists.history(c, id, 10_000);
            SchemaStore.Baseline baseline = schemas.current(c, id);
            ToolListStore.StoredList current = toolLists.current(c, id);
            long a = from != null ? from : baseline != null ? baseline.toolListId() : -1;
            long b = to != null ? to : current != null ? current.id() : -1;
            ToolListStore.HistoryEntry before = servedList(served, a, id);
            ToolListStore.HistoryEntry after = servedList(served, b, id);
            Drift drift = Drift.between(toolLists.get(c, a).tools(), before.serverVersion(), toolLists.get(c, b).tools(),
                    after.serverVersion());
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("monitor", id);
            o.put("from", before);
            o.put("to", after);
            o.put("drift", driftJson(drift));
            return o;
        });
        ctx.json(out);
    }

    private void drifts(Context ctx) throws SQLException {
        String id = requireMonitor(ctx.pathParam("id")).id();
        int limit = Params.limit(ctx);
        Long before = Params.idCursor(ctx);
        var page = db.read(c -> schemas.drifts(c, id, before, limit + 1));
        ctx.json(Params.page(page, limit, d -> Long.toString(d.id())));
    }

    private void warnings(Context ctx, String monitorId) throws SQLException {
        int limit = Params.limit(ctx);
        Long before = Params.idCursor(ctx);
        boolean active = "true".equals(ctx.queryParam("active"));
        var page = db.read(c -> warnings.page(c, monitorId, active, before, limit + 1));
        ctx.json(Params.page(page, limit, w -> Long.toString(w.id())));
    }

    private void conditions(Context ctx) throws SQLException {
        MonitorStore.MonitorRow monitor = requireMonitor(ctx.pathParam("id"));
        Map<String, DetectionStore.RuleState> states = db.read(c -> detection.load(c, monitor.id()));
        List<Map<String, Object>> held = new java.util.ArrayList<>();
        for (Rule rule : Rules.all()) {
            DetectionStore.RuleState st = states.get(rule.id());
            if (st == null) {
                continue;
            }
            for (Finding f : Detector.decode(st.held()).values()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("rule", rule.id());
                o.put("severity", rule.severity());
                o.put("subject", f.subject());
                o.put("since", f.since());
                o.put("message", f.message());
                held.add(o);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("monitor", monitor.id());
        out.put("openIncidentId", monitor.openIncidentId());
        out.put("conditions", held);
        out.put("settings", monitor.config().path("detection"));
        ctx.json(out);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Map<String, Object> list(ToolListStore.StoredList l, String serverVersion) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("toolListId", l.id());
        o.put("fingerprint", l.fingerprint());
        o.put("toolCount", l.toolCount());
        o.put("serverVersion", serverVersion);
        o.put("firstSeenAt", l.firstSeenAt());
        return o;
    }

    private static Map<String, Object> driftJson(Drift d) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("summary", d.summary());
        o.put("breaking", d.breakingCount());
        o.put("schemaChanged", d.schemaChanged());
        o.put("versionBefore", d.versionBefore());
        o.put("versionAfter", d.versionAfter());
        o.put("versionBumped", d.versionBumped());
        o.put("unannounced", d.unannounced());
        o.put("changes", d.changes());
        return o;
    }

    private static ToolListStore.HistoryEntry servedList(List<ToolListStore.HistoryEntry> served, long listId, String monitorId) {
        return served.stream().filter(h -> h.toolListId() == listId).findFirst().orElseThrow(() -> new NoSuchElementException(
                listId < 0 ? "monitor '" + monitorId + "' has no baseline or current tool list yet; pass from and to"
                        : "monitor '" + monitorId + "' never served tool list " + listId + " (see /api/monitors/" + monitorId + "/tools)"));
    }

    private MonitorStore.MonitorRow requireMonitor(String id) throws SQLException {
        MonitorStore.MonitorRow row = db.read(c -> monitors.get(c, id));
        if (row == null) {
            throw new NoSuchElementException("no monitor '" + id + "'");
        }
        return row;
    }

    private static JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text == null || text.isBlank()) {
            return Json.object();
        }
        try {
            JsonNode body = Json.MAPPER.readTree(text);
            if (!body.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object like {\"by\":\"alice\",\"note\":\"v2 deploy\"}");
            }
            return body;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field, String fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isString() || v.asString().isBlank() || v.asString().length() > 500) {
            throw new IllegalArgumentException(field + " must be a non-empty text of at most 500 characters");
        }
        return v.asString();
    }

    private static Long longParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a tool list id (a number), got '" + v + "'");
        }
    }
}
