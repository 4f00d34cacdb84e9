package dev.mcpwatch.dashboard;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.auth.AccessControl;
import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.detect.DriftAcknowledgement;
import dev.mcpwatch.monitor.ApiMonitors;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.postmortem.Postmortems;
import dev.mcpwatch.runbook.Runbooks;
import dev.mcpwatch.status.StatusUpdates;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.web.Frame;
import dev.mcpwatch.web.Refusal;
import dev.mcpwatch.web.Routes;
import dev.mcpwatch.web.Templates;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * The operators' pages, behind login ({@link AccessControl} runs first): the overview, a monitor,
 * the add/edit form of API-owned monitors, incidents with their timeline and public updates, and
 * the list of status pages. Every form posts back here with the session's CSRF token and ends in a
 * redirect, so reloading a page never posts twice.
 */
public final class DashboardRoutes implements Routes {

    public record FormPage(Frame frame, MonitorForm form, boolean create, List<String> problems) {}

    public record StatusPagesPage(Frame frame, List<WebSettings.StatusPageConfig> pages) {}

    private final Database db;
    private final Overview overview;
    private final MonitorDetail monitorDetail;
    private final IncidentDetail incidentDetail;
    private final ApiMonitors apiMonitors;
    private final StatusUpdates updates;
    private final IncidentAlerting alerting;
    private final Supplier<WebSettings> web;
    private final DriftAcknowledgement drifts = new DriftAcknowledgement();

    private final InstantSource clock;

    /**
     * The dashboard with acknowledgements, alerting's deliveries and maintenance windows, and the drift
     * detector's tool diffs.
     */
    public DashboardRoutes(Database db, ApiMonitors apiMonitors, StatusUpdates updates, Incidents incidents,
            Supplier<List<MaintenanceWindow>> maintenance, Supplier<WebSettings> web, Runbooks runbooks, Postmortems postmortems,
            InstantSource clock) {
        this(db, apiMonitors, updates, AlertingOnIncidentPage.of(db, incidents), new SchemaToolDiffer(), web, maintenance, runbooks,
                postmortems, clock);
    }

    DashboardRoutes(Database db, ApiMonitors apiMonitors, StatusUpdates updates, IncidentAlerting alerting, ToolDiffer differ,
            Supplier<WebSettings> web, Supplier<List<MaintenanceWindow>> maintenance, Runbooks runbooks, Postmortems postmortems,
            InstantSource clock) {
        this.clock = clock;
        this.db = db;
        this.overview = new Overview(db, maintenance, () -> postmortems.overdue(20));
        this.monitorDetail = new MonitorDetail(db, differ, maintenance);
        this.incidentDetail = new IncidentDetail(db, alerting, runbooks, postmortems);
        this.apiMonitors = apiMonitors;
        this.updates = updates;
        this.alerting = alerting;
        this.web = web;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/", this::overview);
        routes.get("/monitors/new", ctx -> form(ctx, MonitorForm.blank(), true, List.of(), 200));
        routes.post("/monitors", ctx -> save(ctx, true));
        routes.get("/monitors/{id}", this::monitor);
        routes.get("/monitors/{id}/edit", this::editForm);
        routes.post("/monitors/{id}", ctx -> save(ctx, false));
        routes.post("/monitors/{id}/pause", ctx -> pause(ctx, true));
        routes.post("/monitors/{id}/resume", ctx -> pause(ctx, false));
        routes.post("/monitors/{id}/delete", this::delete);
        routes.post("/monitors/{id}/drift/ack", this::acknowledgeDrift);
        routes.get("/incidents", this::incidents);
        routes.get("/incidents/{id}", ctx -> incident(ctx, null));
        routes.post("/incidents/{id}/updates", this::postUpdate);
        routes.post("/incidents/{id}/ack", this::acknowledge);
        routes.get("/status-pages", ctx -> Templates.page(ctx, "dashboard/status_pages.jte",
                new StatusPagesPage(AccessControl.frame(ctx, "Status pages", "status"), web.get().statusPages())));
    }

    private void overview(Context ctx) throws SQLException {
        long started = System.nanoTime();
        String status = blankToNull(ctx.queryParam("status"));
        if (status != null && !Overview.STATUSES.contains(status)) {
            throw new IllegalArgumentException("status must be one of " + String.join(", ", Overview.STATUSES) + "; got '" + status + "'");
        }
        int limit = Overview.DEFAULT_LIMIT;
        if (ctx.queryParam("limit") != null) {
            try {
                limit = Math.clamp(Integer.parseInt(ctx.queryParam("limit")), 10, 200);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit must be a number from 10 to 200");
            }
        }
        String sort = blankToNull(ctx.queryParam("sort"));
        if (sort != null && !Overview.SORTS.contains(sort)) {
            throw new IllegalArgumentException("sort must be one of " + String.join(", ", Overview.SORTS) + "; got '" + sort + "'");
        }
        var filters = new Overview.Filters(status, blankToNull(ctx.queryParam("tag")), blankToNull(ctx.queryParam("q")), limit, sort);
        var page = overview.page(AccessControl.frame(ctx, "Monitors", "overview"), filters, ctx.queryParam("cursor"),
                clock.millis());
        long queried = System.nanoTime();
        byte[] body = Templates.render("dashboard/overview.jte", page);
        long rendered = System.nanoTime();
        // Where the time went, for anyone measuring the page at scale (the browser shows it too).
        ctx.header("Server-Timing", String.format(Locale.ROOT, "db;dur=%.1f, render;dur=%.1f", (queried - started) / 1e6,
                (rendered - queried) / 1e6));
        Templates.htmlHeaders(ctx);
        ctx.result(body);
    }

    private void monitor(Context ctx) throws SQLException {
        String name = ctx.queryParam("range") == null ? "24h" : ctx.queryParam("range");
        var range = MonitorDetail.RANGES.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("range must be 24h, 7d or 30d; got '" + name + "'"));
        String id = ctx.pathParam("id");
        var page = monitorDetail.page(AccessControl.frame(ctx, id, "overview"), id, range, clock.millis());
        Templates.page(ctx, "dashboard/monitor.jte", page);
    }

    private void editForm(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        var d = apiMonitors.definition(id);
        if (d == null) {
            throw new NoSuchElementException("monitor '" + id + "' was not added from the dashboard or the API, so it cannot be edited here"
                    + " (a configuration file owns it, or it does not exist)");
        }
        form(ctx, MonitorForm.of(d), false, List.of(), 200);
    }

    private void save(Context ctx, boolean create) throws SQLException {
        MonitorForm form = MonitorForm.from(ctx, create ? null : ctx.pathParam("id"));
        try {
            var m = apiMonitors.save(form.definition(), create);
            throw Refusal.redirect("/monitors/" + URLEncoder.encode(m.id(), StandardCharsets.UTF_8));
        } catch (ApiMonitors.Invalid e) {
            form(ctx, form, create, e.problems(), 400);
        }
    }

    private void pause(Context ctx, boolean paused) throws SQLException {
        String id = ctx.pathParam("id");
        try {
            apiMonitors.setPaused(id, paused);
        } catch (ApiMonitors.Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        throw Refusal.redirect("/monitors/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    }

    private void delete(Context ctx) throws SQLException {
        try {
            apiMonitors.delete(ctx.pathParam("id"));
        } catch (ApiMonitors.Invalid e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        throw Refusal.redirect("/");
    }

    /**
     * The monitor page's "acknowledge" under the drift's diff: the list the operator reviewed (its
     * fingerprint, from the form) becomes the baseline, as {@code mcpwatch drift ack} does; refused
     * (409) when the monitor serves another list by now.
     */
    private void acknowledgeDrift(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        String reviewed = blankToNull(ctx.formParam("fingerprint"));
        String by = AccessControl.principal(ctx).user();
        try {
            db.transaction(c -> drifts.acknowledge(c, id, reviewed, by, "acknowledged on the dashboard", clock.millis()));
        } catch (DriftAcknowledgement.Conflict e) {
            throw Refusal.status(409, e.getMessage());
        }
        throw Refusal.redirect("/monitors/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "#tools");
    }

    private void incidents(Context ctx) throws SQLException {
        String status = blankToNull(ctx.queryParam("status"));
        if (status != null && !List.of("open", "resolved").contains(status)) {
            throw new IllegalArgumentException("status must be open or resolved; got '" + status + "'");
        }
        Long before = ctx.queryParam("before") == null ? null : incidentId(ctx.queryParam("before"));
        Templates.page(ctx, "dashboard/incidents.jte",
                incidentDetail.list(AccessControl.frame(ctx, "Incidents", "incidents"), status, before, clock.millis()));
    }

    private void incident(Context ctx, String error) throws SQLException {
        long id = incidentId(ctx.pathParam("id"));
        Templates.page(ctx, "dashboard/incident.jte",
                incidentDetail.page(AccessControl.frame(ctx, "Incident " + id, "incidents"), id, error, clock.millis()));
    }

    private void postUpdate(Context ctx) throws SQLException {
        long id = incidentId(ctx.pathParam("id"));
        String author = AccessControl.principal(ctx).user();
        try {
            db.transaction(c -> {
                updates.post(c, id, ctx.formParam("status"), ctx.formParam("message"), author, false, clock.millis());
                return null;
            });
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            incident(ctx, e.getMessage());
            return;
        }
        throw Refusal.redirect("/incidents/" + id + "#updates");
    }

    private void acknowledge(Context ctx) throws Exception {
        long id = incidentId(ctx.pathParam("id"));
        try {
            alerting.acknowledge(id, AccessControl.principal(ctx).user());
        } catch (IllegalArgumentException | IllegalStateException e) {
            ctx.status(409);
            incident(ctx, e.getMessage());
            return;
        }
        throw Refusal.redirect("/incidents/" + id);
    }

    private void form(Context ctx, MonitorForm form, boolean create, List<String> problems, int status) {
        ctx.status(status);
        Templates.page(ctx, "dashboard/monitor_form.jte",
                new FormPage(AccessControl.frame(ctx, create ? "Add a monitor" : "Edit " + form.id(), "overview"), form, create, problems));
    }

    static long incidentId(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("incident id must be a number, got '" + s + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
