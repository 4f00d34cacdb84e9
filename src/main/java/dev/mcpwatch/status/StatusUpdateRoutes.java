package dev.mcpwatch.status;

import dev.mcpwatch.auth.AccessControl;
import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
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
import tools.jackson.databind.JsonNode;

/**
 * The public updates of an incident in the JSON API: {@code GET} lists them, {@code POST} (behind a
 * token or a session, like the rest of {@code /api}) adds one — the same updates the dashboard
 * posts and the status pages show.
 */
public final class StatusUpdateRoutes implements Routes {
    private final Database db;
    private final StatusUpdates updates;
    private final InstantSource clock;
    private final IncidentStore incidents = new IncidentStore();

    public StatusUpdateRoutes(Database db, StatusUpdates updates, InstantSource clock) {
        this.db = db;
        this.updates = updates;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/incidents/{id}/updates", this::list);
        routes.post("/api/incidents/{id}/updates", this::post);
    }

    private void list(Context ctx) throws SQLException {
        long id = incidentId(ctx.pathParam("id"));
        if (db.read(c -> incidents.get(c, id)) == null) {
            throw new NoSuchElementException("no incident " + id);
        }
        var events = db.read(c -> incidents.events(c, List.of(id), StatusUpdates.KIND));
        ctx.json(Map.of("incident", id, "items", events.stream().map(StatusUpdateRoutes::update).toList()));
    }

    private void post(Context ctx) throws SQLException {
        long id = incidentId(ctx.pathParam("id"));
        JsonNode body = Params.jsonObject(ctx);
        ctx.status(201).json(post(id, body.path("status").asString(null), body.path("message").asString(null), AccessControl.principal(ctx).user()));
    }

    /** Posts a public update (status: investigating, identified, monitoring or resolved) on incident {@code id} as {@code author}. */
    public Map<String, Object> post(long id, String status, String message, String author) throws SQLException {
        long now = clock.millis();
        db.transaction(c -> {
            updates.post(c, id, status, message, author, false, now);
            return null;
        });
        var last = db.read(c -> incidents.events(c, List.of(id), StatusUpdates.KIND)).getLast();
        return update(last);
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

    private static long incidentId(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("incident id must be a number, got '" + s + "'");
        }
    }

}
