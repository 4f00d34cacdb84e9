package dev.mcpwatch.monitor;

import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentStatus;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.web.Params;
import dev.mcpwatch.web.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Incidents in the JSON API: every incident newest first (of one monitor, open or resolved), and
 * one with its whole timeline and what ended it. MTTD and MTTR are derived from the recorded times.
 */
public final class IncidentRoutes implements Routes {
    private final Database db;
    private final IncidentStore incidents = new IncidentStore();
    private final MonitorStore monitors = new MonitorStore();

    public IncidentRoutes(Database db) {
        this.db = db;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/monitors/{id}/incidents", ctx -> list(ctx, ctx.pathParam("id")));
        routes.get("/api/incidents", ctx -> list(ctx, ctx.queryParam("monitor")));
        routes.get("/api/incidents/{id}", this::incident);
    }

    private void list(Context ctx, String monitorId) throws SQLException {
        ctx.json(list(monitorId, ctx.queryParam("status"), ctx.queryParam("cursor"), Params.limit(ctx)));
    }

    /** One page of incidents newest first: of monitor {@code monitorId} (null: all), only {@code status} (open, resolved; null: both). */
    public Map<String, Object> list(String monitorId, String status, String cursor, int limit) throws SQLException {
        if (status != null && !List.of("open", "resolved").contains(status)) {
            throw new IllegalArgumentException("status must be open or resolved; got '" + status + "'");
        }
        if (monitorId != null && db.read(c -> monitors.get(c, monitorId)) == null) {
            throw new NoSuchElementException("no monitor '" + monitorId + "'");
        }
        Long before = Params.idCursor(cursor);
        IncidentStatus only = status == null ? null : IncidentStatus.fromWireName(status);
        var page = db.read(c -> incidents.page(c, monitorId, only, before, limit + 1));
        Map<String, Object> out = Params.page(page, limit, i -> Long.toString(i.id()));
        out.put("items", page.stream().limit(limit).map(IncidentRoutes::json).toList());
        return out;
    }

    private void incident(Context ctx) throws SQLException {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("incident id must be a number, got '" + ctx.pathParam("id") + "'");
        }
        ctx.json(incident(id));
    }

    /** Incident {@code id} with its whole timeline, oldest event first; 404 when there is none. */
    public Map<String, Object> incident(long id) throws SQLException {
        var row = db.read(c -> incidents.get(c, id));
        if (row == null) {
            throw new NoSuchElementException("no incident " + id);
        }
        Map<String, Object> out = json(row);
        // what ended it, as the reliability record counts it: recovery, remediation (mcpwatch's own) or removal
        out.put("resolvedBy", db.read(c -> incidents.resolvedBy(c, id)));
        out.put("timeline", db.read(c -> incidents.events(c, id)));
        return out;
    }

    private static Map<String, Object> json(Incident r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("monitorId", r.monitorId());
        out.put("status", r.status());
        out.put("severity", r.severity());
        out.put("currentSeverity", r.severityNow());
        out.put("reason", r.headline().reason());
        out.put("layer", r.headline().layer());
        out.put("phase", r.headline().phase());
        out.put("message", r.headline().message());
        out.put("onsetAt", r.onsetAt());
        out.put("detectedAt", r.detectedAt());
        out.put("notifiedAt", r.notifiedAt());
        out.put("acknowledgedAt", r.acknowledgedAt());
        out.put("resolvedAt", r.resolvedAt());
        out.put("resolution", r.resolution());
        out.put("failingProbes", r.failingProbes());
        out.put("mttdMs", r.mttdMs());
        out.put("mttrMs", r.mttrMs());
        return out;
    }
}
