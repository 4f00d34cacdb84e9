package dev.mcpwatch.alert;

import dev.mcpwatch.alert.channel.Channel;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.OutboxStore;
import dev.mcpwatch.web.Params;
import dev.mcpwatch.web.Routes;
import dev.mcpwatch.web.Templates;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import tools.jackson.databind.JsonNode;

/**
 * Alerting's endpoints:
 * <ul>
 *   <li>{@code POST /api/incidents/{id}/ack} (body {@code {"by": "alice"}}, optional) acknowledges;
 *       409 when the incident is resolved.
 *   <li>{@code GET /api/incidents/{id}/deliveries}: every alert of the incident per channel, with
 *       every attempt (outcome, response code, error, latency, node).
 *   <li>{@code GET /api/alerting/deliveries?status=&limit=&cursor=}: all deliveries, newest first.
 *   <li>{@code GET /api/alerting/channels}; {@code POST /api/alerting/channels/{name}/test} sends a
 *       test message at once (not through the outbox) and answers with the outcome.
 *   <li>{@code GET /ack/{token}} shows a confirmation page; {@code POST /ack/{token}} acknowledges.
 *       Acknowledging on GET would let link previews (chat unfurlers, mail scanners) acknowledge
 *       pages nobody read.
 * </ul>
 * Nothing here shows a secret: channels are listed by name and type, payloads are not echoed.
 */
final class AlertRoutes implements Routes {
    private final Alerting alerting;
    private final Database db;
    private final OutboxStore outbox;
    private final Incidents lifecycle;
    private final InstantSource clock;
    private final IncidentStore incidents = new IncidentStore();

    AlertRoutes(Alerting alerting, Database db, OutboxStore outbox, Incidents lifecycle, InstantSource clock) {
        this.alerting = alerting;
        this.db = db;
        this.outbox = outbox;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/incidents/{id}/ack", this::ack);
        routes.get("/api/incidents/{id}/deliveries", this::incidentDeliveries);
        routes.get("/api/alerting/deliveries", this::deliveries);
        routes.get("/api/alerting/channels", this::channels);
        routes.post("/api/alerting/channels/{name}/test", this::test);
        routes.get("/ack/{token}", this::ackPage);
        routes.post("/ack/{token}", this::ackByLink);
    }

    private void ack(Context ctx) throws SQLException {
        long id = incidentId(ctx);
        String by = null;
        String via = "api";
        if (!ctx.body().isBlank()) {
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(ctx.body());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the body must be JSON like {\"by\": \"alice\"}, or empty");
            }
            by = body.path("by").asString(null);
            if ("cli".equals(body.path("via").asString(null))) {
                via = "cli";
            }
        }
        Incidents.Ack ack = lifecycle.acknowledge(id, by, via);
        if (ack.outcome() == Incidents.AckOutcome.RESOLVED) {
            ctx.status(409).json(Map.of("error", "incident " + id + " is resolved; there is nothing to acknowledge"));
            return;
        }
        ctx.json(ack.answer());
    }

    private void incidentDeliveries(Context ctx) throws SQLException {
        long id = incidentId(ctx);
        if (db.read(c -> incidents.get(c, id)) == null) {
            throw new NoSuchElementException("no incident " + id);
        }
        List<OutboxStore.OutboxRow> rows = db.read(c -> outbox.forIncident(c, id));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("incident", id);
        out.put("items", describe(rows));
        ctx.json(out);
    }

    private void deliveries(Context ctx) throws SQLException {
        String status = ctx.queryParam("status");
        if (status != null && !List.of("pending", "held", "delivered", "failed", "cancelled").contains(status)) {
            throw new IllegalArgumentException("status must be pending, held, delivered, failed or cancelled; got '" + status + "'");
        }
        int limit = Params.limit(ctx);
        Long before = Params.idCursor(ctx);
        List<OutboxStore.OutboxRow> rows = db.read(c -> outbox.page(c, status, before, limit + 1));
        Map<String, Object> out = Params.page(rows, limit, r -> Long.toString(r.id()));
        out.put("items", describe(rows.size() > limit ? rows.subList(0, limit) : rows));
        ctx.json(out);
    }

    private List<Map<String, Object>> describe(List<OutboxStore.OutboxRow> rows) throws SQLException {
        Map<Long, List<OutboxStore.AttemptRow>> attempts = db.read(c -> outbox.attempts(c, rows.stream().map(OutboxStore.OutboxRow::id).toList()));
        List<Map<String, Object>> items = new ArrayList<>();
        AlertingConfig cfg = alerting.config();
        for (OutboxStore.OutboxRow r : rows) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", r.id());
            d.put("incidentId", r.incidentId());
            d.put("monitorId", r.monitorId());
            d.put("event", r.event());
            d.put("route", r.route());
            d.put("channel", r.channel());
            Channel ch = cfg.channel(r.channel());
            d.put("channelType", ch == null ? null : ch.type());
            d.put("dedupKey", r.dedupKey());
            d.put("status", r.status());
            d.put("attempts", r.attempts());
            d.put("createdAt", r.createdAt());
            d.put("nextAttemptAt", OutboxStore.PENDING.equals(r.status()) ? r.nextAttemptAt() : null);
            d.put("finishedAt", r.finishedAt());
            d.put("lastError", r.lastError());
            List<Map<String, Object>> log = new ArrayList<>();
            for (OutboxStore.AttemptRow a : attempts.getOrDefault(r.id(), List.of())) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("attempt", a.attempt());
                e.put("startedAt", a.startedAt());
                e.put("latencyMs", a.latencyMs());
                e.put("outcome", a.outcome());
                e.put("responseCode", a.responseCode());
                e.put("error", a.error());
                e.put("node", a.node());
                log.add(e);
            }
            d.put("log", log);
            items.add(d);
        }
        return items;
    }

    private void channels(Context ctx) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Channel c : alerting.config().channels().values()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", c.name());
            d.put("type", c.type());
            d.put("enabled", c.enabled());
            d.put("disabledBecause", c.disabledBecause());
            d.put("concurrency", c.concurrency());
            items.add(d);
        }
        ctx.json(Map.of("items", items));
    }

    private void test(Context ctx) {
        String name = ctx.pathParam("name");
        Alerting.TestOutcome t = alerting.test(name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channel", name);
        out.put("type", t.type());
        out.put("outcome", t.result().outcome().name().toLowerCase(java.util.Locale.ROOT));
        out.put("responseCode", t.result().responseCode());
        out.put("error", t.result().error());
        out.put("latencyMs", t.latencyMs());
        ctx.status(t.result().delivered() ? 200 : 502).json(out);
    }

    private void ackPage(Context ctx) throws SQLException {
        AckLinks.Verified v = verify(ctx);
        if (v == null) {
            return;
        }
        Incident inc = db.read(c -> incidents.get(c, v.incidentId()));
        if (inc == null) {
            page(ctx, 404, new AckPage("No such incident", null, "error", "Incident " + v.incidentId() + " does not exist (any more).", now()));
            return;
        }
        String outcome = !inc.open() ? "resolved" : inc.acknowledgedAt() != null ? "already" : "ask";
        page(ctx, 200, new AckPage("Acknowledge incident " + inc.id() + "?", inc, outcome, null, now()));
    }

    private void ackByLink(Context ctx) throws SQLException {
        AckLinks.Verified v = verify(ctx);
        if (v == null) {
            return;
        }
        String by = ctx.formParam("by");
        Incidents.Ack ack;
        try {
            ack = lifecycle.acknowledge(v.incidentId(), by == null || by.isBlank() ? "ack link" : by, "link");
        } catch (NoSuchElementException e) {
            page(ctx, 404, new AckPage("No such incident", null, "error", "Incident " + v.incidentId() + " does not exist (any more).", now()));
            return;
        }
        String outcome = switch (ack.outcome()) {
            case ACKNOWLEDGED -> "acknowledged";
            case ALREADY_ACKNOWLEDGED -> "already";
            case RESOLVED -> "resolved";
        };
        page(ctx, ack.outcome() == Incidents.AckOutcome.RESOLVED ? 409 : 200, new AckPage("Incident " + v.incidentId(), ack.incident(),
                outcome, null, now()));
    }

    private AckLinks.Verified verify(Context ctx) {
        AlertingConfig.Ack settings = alerting.config().ack();
        if (!settings.linksEnabled()) {
            page(ctx, 404, new AckPage("Acknowledgement links are off", null, "error", "This mcpwatch has no alerting.ack.secret, so it "
                    + "makes and accepts no acknowledgement links.", now()));
            return null;
        }
        try {
            return new AckLinks(settings.secret()).verify(ctx.pathParam("token"), clock.millis());
        } catch (AckLinks.Invalid e) {
            page(ctx, 403, new AckPage("Cannot acknowledge", null, "error", e.getMessage() + ".", now()));
            return null;
        }
    }

    private long now() {
        return clock.millis();
    }

    private static void page(Context ctx, int status, AckPage page) {
        ctx.status(status);
        Templates.page(ctx, "alert/ack.jte", page);
        // A signed link is a credential: never cached, never sent on as a referrer.
        ctx.header("Cache-Control", "no-store");
        ctx.header("Referrer-Policy", "no-referrer");
    }

    private static long incidentId(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("incident id must be a number, got '" + ctx.pathParam("id") + "'");
        }
    }
}
