package dev.mcpwatch.reliability;

import dev.mcpwatch.auth.AccessControl;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.web.Frame;
import dev.mcpwatch.web.Params;
import dev.mcpwatch.web.Routes;
import dev.mcpwatch.web.Templates;
import dev.mcpwatch.web.WebServer;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reliability record on the web: {@code GET /api/reliability} (figures per month or for a range,
 * of every monitor, a tag's or one) and the dashboard's Reliability page (thirteen months as a table
 * and small charts, each month's incidents behind its figures, and the SLOs).
 */
public final class ReliabilityRoutes implements Routes {
    /** How many months the page shows: a year and the month in progress, so every month has its year-ago twin. */
    static final int PAGE_MONTHS = 13;
    /** The most incidents the page lists for a month; the API ({@code incidents=true}) and the report have them all. */
    static final int PAGE_INCIDENTS = 200;

    private final RecordReader record;
    private final SloBoard slos;
    private final ApiSlos apiSlos;
    private final InstantSource clock;

    /**
     * @param slos the SLOs for the page and the API, or null when none are configured
     * @param apiSlos the API's writes of SLOs, or null when the API may not add any
     */
    public ReliabilityRoutes(RecordReader record, SloBoard slos, ApiSlos apiSlos, InstantSource clock) {
        this.record = record;
        this.slos = slos;
        this.apiSlos = apiSlos;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/reliability", this::api);
        routes.get("/reliability", this::page);
        if (slos != null) {
            routes.get("/api/slos", ctx -> {
                ObjectNode out = slos.json(clock.millis());
                java.util.Set<String> api = apiIds();
                out.path("items").forEach(item -> sourced((ObjectNode) item, api));
                ctx.json(out);
            });
            routes.get("/api/slos/{id}", ctx -> ctx.json(sourced(slos.json(ctx.pathParam("id"), clock.millis()), apiIds())));
        }
        if (slos != null && apiSlos != null) {
            routes.post("/api/slos", ctx -> {
                Slo slo = apiSlos.create(Params.jsonObject(ctx));
                ctx.status(201).json(sourced(slos.json(slo.id(), clock.millis()), apiIds()));
            });
            routes.put("/api/slos/{id}", ctx -> {
                Slo slo = apiSlos.replace(ctx.pathParam("id"), Params.jsonObject(ctx));
                ctx.json(sourced(slos.json(slo.id(), clock.millis()), apiIds()));
            });
            routes.delete("/api/slos/{id}", ctx -> {
                apiSlos.delete(ctx.pathParam("id"));
                ctx.status(204);
            });
            routes.exception(ApiSlos.Conflict.class, (e, ctx) -> WebServer.error(ctx, 409, e.getMessage()));
        }
    }

    /** An SLO's answer says who owns it: "file" (read-only here) or "api". */
    private static ObjectNode sourced(ObjectNode item, java.util.Set<String> api) {
        item.put("source", api.contains(item.path("id").asString()) ? "api" : "file");
        return item;
    }

    private java.util.Set<String> apiIds() {
        return apiSlos == null ? java.util.Set.of() : apiSlos.apiIds();
    }

    private void api(Context ctx) throws SQLException {
        ObjectNode out = summary(Params.time(ctx, "from"), Params.time(ctx, "to"), ctx.queryParam("group"), ctx.queryParam("monitor"),
                ctx.queryParam("tag"), "true".equals(ctx.queryParam("incidents")));
        ctx.contentType("application/json").result(out.toString());
    }

    /**
     * The reliability record: availability, incidents, MTTD and MTTR per month ({@code group} month, the default) or for the
     * whole span ({@code none}), of every monitor, one monitor or one tag; the last 13 months unless {@code from}/{@code to}.
     */
    public ObjectNode summary(Long from, Long to, String grouping, String monitor, String tag, boolean incidents) throws SQLException {
        long now = clock.millis();
        String group = grouping == null ? "month" : grouping;
        if (!group.equals("month") && !group.equals("none")) {
            throw new IllegalArgumentException("group must be month or none, got '" + group + "'");
        }
        if (to == null) {
            to = now;
        }
        if (from == null) {
            from = Period.month(Period.monthOf(to).minusMonths(PAGE_MONTHS - 1)).start();
        }
        var scope = RecordReader.Scope.of(monitor, tag);
        var result = record.read(scope, RecordReader.periods(from, Math.min(to, now), group.equals("month")), false);
        ObjectNode out = Json.object();
        out.put("scope", scope.label());
        out.put("monitor", scope.monitor());
        out.put("tag", scope.tag());
        out.put("group", group);
        out.put("generatedAt", Instant.ofEpochMilli(result.at()).toString());
        ArrayNode periods = out.putArray("periods");
        for (int i = 0; i < result.periods().size(); i++) {
            periods.add(RecordJson.figures(result.periods().get(i), result.changeAt(i), incidents));
        }
        return out;
    }

    /** One row of the page's table: a month's figures and how they moved from the month before. */
    public record Row(Figures figures, Change change, String href) {}

    /** The Reliability page: the scope, 13 months, their charts, the chosen month's incidents, and the SLOs. */
    public record Page(Frame frame, String scope, String monitor, String tag, List<Row> rows, RecordCharts.Chart availability,
            RecordCharts.Chart incidents, RecordCharts.Chart durations, String month, List<IncidentLine> lines, int moreLines,
            List<SloBoard.View> slos, String query) {}

    private void page(Context ctx) throws SQLException {
        long started = System.nanoTime();
        long now = clock.millis();
        var scope = RecordReader.Scope.of(ctx.queryParam("monitor"), ctx.queryParam("tag"));
        YearMonth current = Period.monthOf(now);
        YearMonth chosen = ctx.queryParam("month") == null || ctx.queryParam("month").isBlank() ? current
                : Period.parseMonth(ctx.queryParam("month"));
        if (chosen.isAfter(current) || chosen.isBefore(current.minusMonths(PAGE_MONTHS - 1))) {
            throw new IllegalArgumentException("month must be one of the " + PAGE_MONTHS + " months shown, " + current.minusMonths(PAGE_MONTHS - 1)
                    + " to " + current + "; got " + chosen);
        }
        var result = record.read(scope, Period.months(current, PAGE_MONTHS), false);
        String query = query(scope);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < result.periods().size(); i++) {
            Figures f = result.periods().get(i);
            rows.add(new Row(f, result.changeAt(i), href(query, f)));
        }
        List<Figures> months = result.periods();
        Figures selected = months.stream().filter(f -> f.period().label().equals(chosen.toString())).findFirst().orElse(months.getLast());
        List<IncidentLine> all = selected.lines().stream().filter(l -> l.counted() || l.inMaintenance())
                .sorted(Comparator.comparingLong((IncidentLine l) -> l.incident().detectedAt()).reversed()).toList();
        // thousands of monitors make thousands of incidents a month: the newest are listed, the rest counted
        List<IncidentLine> lines = all.subList(0, Math.min(all.size(), PAGE_INCIDENTS));
        List<SloBoard.View> views = slos == null ? List.of() : slos.views(scope, now);
        long queried = System.nanoTime();
        Page page = new Page(AccessControl.frame(ctx, "Reliability", "reliability"), scope.label(), scope.monitor(), scope.tag(),
                rows.reversed(), RecordCharts.availability(months, f -> href(query, f)), RecordCharts.incidents(months, f -> href(query, f)),
                RecordCharts.durations(months, f -> href(query, f)), selected.period().label(), lines, all.size() - lines.size(), views, query);
        byte[] body = Templates.render("dashboard/reliability.jte", page);
        long rendered = System.nanoTime();
        ctx.header("Server-Timing", String.format(Locale.ROOT, "db;dur=%.1f, render;dur=%.1f", (queried - started) / 1e6,
                (rendered - queried) / 1e6));
        Templates.htmlHeaders(ctx);
        ctx.result(body);
    }

    /** The page's own query for the scope ({@code monitor=…} or {@code tag=…}), to carry into its links. */
    private static String query(RecordReader.Scope scope) {
        if (scope.monitor() != null) {
            return "monitor=" + URLEncoder.encode(scope.monitor(), StandardCharsets.UTF_8);
        }
        return scope.tag() != null ? "tag=" + URLEncoder.encode(scope.tag(), StandardCharsets.UTF_8) : "";
    }

    private static String href(String query, Figures f) {
        return "/reliability?" + (query.isEmpty() ? "" : query + "&") + "month=" + f.period().label() + "#incidents";
    }
}
