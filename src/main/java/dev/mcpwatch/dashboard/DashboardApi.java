package dev.mcpwatch.dashboard;

import dev.mcpwatch.auth.AccessControl;
import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.monitor.ApiMonitors;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.status.StatusUpdates;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.web.ApiRoutes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON side of what the dashboard does: API-owned monitors (create, replace, pause, resume,
 * delete; bodies in the configuration file's shape) and status updates on incidents. Needs an API
 * token or a session (with {@code X-CSRF-Token}) like the rest of {@code /api}.
 */
public final class DashboardApi implements ApiRoutes {
    private final Database db;
    private final ApiMonitors apiMonitors;
    private final StatusUpdates updates;
    private final IncidentStore incidents = new IncidentStore();
    private final MonitorStore monitors = new MonitorStore();

    private final InstantSource clock;

    public DashboardApi(Database db, ApiMonitors apiMonitors, StatusUpdates updates, InstantSource clock) {
        this.db = db;
        this.apiMonitors = apiMonitors;
        this.updates = updates;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/monitors", ctx -> save(ctx, body(ctx), true));
        routes.put("/api/monitors/{id}", ctx -> {
            ObjectNode d = body(ctx);
            d.put("id", ctx.pathParam("id"));
            save(ctx, d, false);
        });
        routes.delete("/api/monitors/{id}", ctx -> {
            invalid(() -> apiMonitors.delete(ctx.pathParam("id")));
            ctx.status(204);
        });
        routes.post("/api/monitors/{id}/pause", ctx -> pause(ctx, true));
        routes.post("/api/monitors/{id}/resume", ctx -> pause(ctx, false));
        routes.get("/api/incidents/{id}/updates", this::listUpdates);
        routes.post("/api/incidents/{id}/updates", this::postUpdate);
    }

    private void save(Context ctx, ObjectNode definition, boolean create) throws SQLException {
        invalid(() -> apiMonitors.save(definition, create));
        ctx.status(create ? 201 : 200).json(monitor(definition.path("id").asString()));
    }

    private void pause(Context ctx, boolean paused) throws SQLException {
        invalid(() -> apiMonitors.setPaused(ctx.pathParam("id"), paused));
        ctx.json(monitor(ctx.pathParam("id")));
    }

    private void listUpdates(Context ctx) throws SQLException {
        long id = Dashboard.incidentId(ctx.pathParam("id"));
        if (db.read(c -> incidents.get(c, id)) == null) {
            throw new java.util.NoSuchElementException("no incident " + id);
        }
        var events = db.read(c -> incidents.events(c, List.of(id), StatusUpdates.KIND));
        ctx.json(Map.of("incident", id, "items", events.stream().map(DashboardApi::update).toList()));
    }

    private void postUpdate(Context ctx) throws SQLException {
        long id = Dashboard.incidentId(ctx.pathParam("id"));
        JsonNode body = body(ctx);
        String author = AccessControl.principal(ctx).user();
        long now = clock.millis();
        db.transaction(c -> {
            updates.post(c, id, body.path("status").asString(null), body.path("message").asString(null), author, false, now);
            return null;
        });
        var last = db.read(c -> incidents.events(c, List.of(id), StatusUpdates.KIND)).getLast();
        ctx.status(201).json(update(last));
    }

    private static Map<String, Object> update(TimelineEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("at", e.at());
        out.put("status", e.detail().path("status").asString());
        out.put("message", e.detail().path("message").asString());
        out.put("author", e.detail().path("author").asString());
        out.put("automatic", e.detail().path("automatic").asBoolean());
        return out;
    }

    private MonitorStore.MonitorRow monitor(String id) throws SQLException {
        return db.read(c -> monitors.get(c, id));
    }

    private static ObjectNode body(Context ctx) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(ctx.body());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        return (ObjectNode) n;
    }

    @FunctionalInterface
    private interface Change {
        void run() throws ApiMonitors.Invalid, SQLException;
    }

    private static void invalid(Change change) throws SQLException {
        try {
            change.run();
        } catch (ApiMonitors.Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
