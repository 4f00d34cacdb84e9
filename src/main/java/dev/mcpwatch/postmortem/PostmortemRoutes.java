package dev.mcpwatch.postmortem;

import dev.mcpwatch.auth.AccessControl;
import dev.mcpwatch.web.Frame;
import dev.mcpwatch.web.Params;
import dev.mcpwatch.web.Refusal;
import dev.mcpwatch.web.Routes;
import dev.mcpwatch.web.Templates;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Postmortems in the API ({@code GET} as Markdown or {@code ?format=json}, {@code PUT} to save a
 * new version) and in the dashboard (the incident's postmortem page, edited as Markdown in a form).
 * Both behind login like the rest of the dashboard and {@code /api}: a postmortem is internal.
 */
public final class PostmortemRoutes implements Routes {
    /** The dashboard page: the view, the text in the editor, an error to show. */
    public record Page(Frame frame, Postmortems.View view, String text, String error) {}

    private final Postmortems postmortems;

    public PostmortemRoutes(Postmortems postmortems) {
        this.postmortems = postmortems;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/incidents/{id}/postmortem", this::get);
        routes.put("/api/incidents/{id}/postmortem", this::put);
        routes.get("/incidents/{id}/postmortem", ctx -> page(ctx, null, null));
        routes.post("/incidents/{id}/postmortem", this::post);
    }

    private void get(Context ctx) throws SQLException {
        Postmortems.View v = postmortems.view(incidentId(ctx));
        String format = ctx.queryParam("format");
        if (format == null || format.equals("markdown")) {
            ctx.contentType("text/markdown; charset=utf-8").result(v.markdown());
            return;
        }
        if (!format.equals("json")) {
            throw new IllegalArgumentException("format must be markdown (the default) or json, got '" + format + "'");
        }
        ctx.json(json(v));
    }

    /** The body is the Markdown itself, or JSON {@code {"markdown": "…"}}. */
    private void put(Context ctx) throws SQLException {
        long id = incidentId(ctx);
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        String markdown;
        if (type.startsWith("application/json")) {
            JsonNode body = Params.jsonObject(ctx);
            if (!body.path("markdown").isString()) {
                throw new IllegalArgumentException("send {\"markdown\": \"…\"} (a string), or the Markdown itself as text/markdown");
            }
            markdown = body.path("markdown").asString();
        } else {
            markdown = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
        }
        int version = postmortems.save(id, markdown, AccessControl.principal(ctx).user());
        ctx.json(json(postmortems.view(id)).entrySet().stream().filter(e -> !e.getKey().equals("draft"))
                .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll));
        ctx.header("X-Postmortem-Version", Integer.toString(version));
    }

    private void page(Context ctx, String text, String error) throws SQLException {
        long id = incidentId(ctx);
        Postmortems.View v = postmortems.view(id);
        Templates.page(ctx, "postmortem/edit.jte",
                new Page(AccessControl.frame(ctx, "Postmortem of incident " + id, "incidents"), v, text == null ? v.markdown() : text, error));
    }

    private void post(Context ctx) throws SQLException {
        long id = incidentId(ctx);
        String text = ctx.formParam("markdown");
        try {
            postmortems.save(id, text, AccessControl.principal(ctx).user());
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            page(ctx, text, e.getMessage());
            return;
        }
        throw Refusal.redirect("/incidents/" + id + "/postmortem");
    }

    private static Map<String, Object> json(Postmortems.View v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("incident_id", v.incident().id());
        out.put("status", v.saved() == null ? "draft" : "saved");
        out.put("required", v.required());
        out.put("overdue", v.overdue());
        out.put("markdown", v.markdown());
        out.put("short_form", v.draft().shortForm());
        out.put("draft", v.draft().markdown());
        out.put("version", v.saved() == null ? null : v.saved().version());
        out.put("saved_at", v.saved() == null ? null : v.saved().savedAt());
        out.put("saved_by", v.saved() == null ? null : v.saved().author());
        List<Map<String, Object>> history = v.history().stream().map(h -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", h.version());
            m.put("saved_at", h.savedAt());
            m.put("saved_by", h.author());
            return m;
        }).toList();
        out.put("history", history);
        return out;
    }

    private static long incidentId(Context ctx) {
        String s = ctx.pathParam("id");
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("incident id must be a number, got '" + s + "'");
        }
    }
}
