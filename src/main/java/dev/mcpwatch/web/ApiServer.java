package dev.mcpwatch.web;

import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.ToolListStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API (read side) and {@code /health}. Every list is cursor-paged ({@code limit},
 * {@code cursor}, and {@code next_cursor} in the answer), so a page costs the same at the first
 * monitor and the ten-thousandth. Uptime and latency come from rollups, never from raw results.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final Map<String, Window> WINDOWS = windows();

    private record Window(Duration length, Resolution resolution) {}

    private final Javalin app;
    private final Database db;
    private final Supplier<HealthReport> health;
    private final MonitorStore monitors = new MonitorStore();
    private final ResultStore results = new ResultStore();
    private final IncidentStore incidents = new IncidentStore();
    private final ToolListStore toolLists = new ToolListStore();
    private final RollupStore rollups;

    private ApiServer(ServerSettings settings, Database db, Supplier<HealthReport> health, List<ApiRoutes> extra) {
        this.db = db;
        this.health = health;
        this.rollups = new RollupStore(db.dialect());
        this.app = Javalin.create(cfg -> {
            cfg.jetty.host = settings.host();
            cfg.jetty.port = settings.port();
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new Jackson3Mapper());
            cfg.routes.get("/health", this::health);
            cfg.routes.get("/api/monitors", this::listMonitors);
            cfg.routes.get("/api/monitors/{id}", this::monitor);
            cfg.routes.get("/api/monitors/{id}/results", this::results);
            cfg.routes.get("/api/monitors/{id}/stats", this::stats);
            cfg.routes.get("/api/monitors/{id}/series", this::series);
            cfg.routes.get("/api/monitors/{id}/tools", this::tools);
            cfg.routes.get("/api/monitors/{id}/incidents", ctx -> listIncidents(ctx, ctx.pathParam("id")));
            cfg.routes.get("/api/incidents", ctx -> listIncidents(ctx, ctx.queryParam("monitor")));
            cfg.routes.get("/api/incidents/{id}", this::incident);
            extra.forEach(r -> r.register(cfg.routes));
            cfg.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
            cfg.routes.exception(Refusal.class, (e, ctx) -> {
                if (e.location != null) {
                    ctx.header("Location", e.location).status(303);
                    return;
                }
                if (e.challenge != null) {
                    ctx.header("WWW-Authenticate", e.challenge);
                }
                error(ctx, e.status, e.getMessage());
            });
            cfg.routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, String.valueOf(e.getMessage())));
            cfg.routes.exception(java.util.NoSuchElementException.class, (e, ctx) -> error(ctx, 404, String.valueOf(e.getMessage())));
            cfg.routes.exception(SQLException.class, (e, ctx) -> {
                log.warn("request {} failed on the database: {}", ctx.path(), e.getMessage());
                error(ctx, 503, "the database is unavailable; see /health");
            });
            // Javalin's own refusals (no such endpoint, above all) answer in JSON too, not in its plain text.
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                    e instanceof EndpointNotFound ? "no such endpoint: " + ctx.method() + " " + ctx.path() : e.getMessage()));
        });
    }

    public static ApiServer start(ServerSettings settings, Database db, Supplier<HealthReport> health, List<ApiRoutes> extra) {
        ApiServer server = new ApiServer(settings, db, health, extra);
        server.app.start();
        return server;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    /**
     * Answers a refused request: JSON with a sentence for every JSON endpoint (the API, {@code /health},
     * a status page's JSON and its monitors'), a small HTML page for everything a browser opens
     * (dashboard, status pages).
     */
    public static void error(Context ctx, int status, String message) {
        if (isJson(ctx.path())) {
            ctx.status(status).json(Map.of("error", message));
        } else {
            ctx.status(status);
            Templates.page(ctx, "error.jte", new ErrorPage(status, message));
        }
    }

    /** Whether {@code path} is one of the JSON endpoints, whose errors are JSON too. */
    static boolean isJson(String path) {
        return path.startsWith("/api/") || path.equals("/api") || path.equals("/health") || path.endsWith(".json")
                || path.matches("/status/[^/]+/monitors/[^/]+");
    }

    /** What the error page shows: the status and the sentence, never a stack trace. */
    public record ErrorPage(int status, String message) {}

    /** 200 when ok; 503 when degraded (the database cannot be written, or the configuration on disk does not load). */
    private void health(Context ctx) {
        HealthReport report = health.get();
        ctx.status(report.ok() ? 200 : 503).json(report);
    }

    private void listMonitors(Context ctx) throws SQLException {
        int limit = Params.limit(ctx);
        String status = ctx.queryParam("status");
        if (status != null && !List.of("unknown", "up", "suspect", "down", "auth-walled").contains(status)) {
            throw ApiError.badRequest("status must be one of unknown, up, suspect, down, auth-walled; got '" + status + "'");
        }
        String after = Params.decode(ctx);
        var page = db.read(c -> monitors.page(c, after, status, ctx.queryParam("tag"), ctx.queryParam("q"), limit + 1));
        ctx.json(paged(page, limit, page.size() > limit ? Params.encode(page.get(limit - 1).id()) : null));
    }

    private void monitor(Context ctx) throws SQLException {
        ctx.json(requireMonitor(ctx.pathParam("id")));
    }

    private void results(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        requireMonitor(id);
        int limit = Params.limit(ctx);
        long now = System.currentTimeMillis();
        Long from = Params.time(ctx, "from");
        Long to = Params.time(ctx, "to");
        long start = from == null ? 0 : from;
        long end = to == null ? now + 1 : to;
        if (end <= start) {
            throw ApiError.badRequest("to must be after from");
        }
        long[] cursor = Params.pair(Params.decode(ctx));
        var page = db.read(c -> results.page(c, id, start, end, cursor == null ? null : cursor[0], cursor == null ? null : cursor[1],
                limit + 1));
        String next = null;
        if (page.size() > limit) {
            var last = page.get(limit - 1);
            next = Params.encode(last.startedAt() + ":" + last.id());
        }
        ctx.json(paged(page, limit, next));
    }

    private void stats(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        requireMonitor(id);
        long now = System.currentTimeMillis();
        Map<String, Object> windows = new LinkedHashMap<>();
        for (var w : WINDOWS.entrySet()) {
            long from = now - w.getValue().length().toMillis();
            var s = db.read(c -> rollups.summary(c, id, w.getValue().resolution(), from, now + 1));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("from", w.getValue().resolution().bucketStart(from));
            out.put("to", now);
            out.put("resolution", w.getValue().resolution());
            out.put("probes", s.probes());
            out.put("failures", s.failures());
            out.put("uptime", s.availability());
            Map<String, Object> latency = new LinkedHashMap<>();
            latency.put("p50", s.latency().quantile(0.50));
            latency.put("p95", s.latency().quantile(0.95));
            latency.put("p99", s.latency().quantile(0.99));
            latency.put("mean", s.latency().mean());
            out.put("latencyMs", latency);
            out.put("failuresByReason", s.failuresByReason());
            out.put("phaseMeansMs", s.phaseMeans());
            windows.put(w.getKey(), out);
        }
        ctx.json(Map.of("monitor", id, "windows", windows));
    }

    private void series(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        requireMonitor(id);
        String res = ctx.queryParam("resolution") == null ? "hour" : ctx.queryParam("resolution");
        Resolution resolution = switch (res) {
            case "minute" -> Resolution.MINUTE;
            case "hour" -> Resolution.HOUR;
            case "day" -> Resolution.DAY;
            default -> throw ApiError.badRequest("resolution must be minute, hour or day; got '" + res + "'");
        };
        long now = System.currentTimeMillis();
        Long from = Params.time(ctx, "from");
        Long to = Params.time(ctx, "to");
        long start = from == null ? now - Duration.ofDays(1).toMillis() : from;
        long end = to == null ? now + 1 : to;
        if ((end - start) / resolution.millis() > 2_000) {
            throw ApiError.badRequest("at most 2000 " + resolution.wireName() + " buckets per request; narrow from/to or use a coarser resolution");
        }
        ctx.json(Map.of("monitor", id, "resolution", resolution, "buckets", db.read(c -> rollups.buckets(c, id, resolution, start, end))));
    }

    private void tools(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        requireMonitor(id);
        var current = db.read(c -> toolLists.current(c, id));
        var history = db.read(c -> toolLists.history(c, id, 100));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("monitor", id);
        out.put("current", current);
        out.put("history", history);
        ctx.json(out);
    }

    private void listIncidents(Context ctx, String monitorId) throws SQLException {
        int limit = Params.limit(ctx);
        String status = ctx.queryParam("status");
        if (status != null && !List.of("open", "resolved").contains(status)) {
            throw ApiError.badRequest("status must be open or resolved; got '" + status + "'");
        }
        if (monitorId != null) {
            requireMonitor(monitorId);
        }
        String cursor = Params.decode(ctx);
        Long before;
        try {
            before = cursor == null ? null : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("cursor is not one this API gave out; pass next_cursor from the previous page");
        }
        var page = db.read(c -> incidents.page(c, monitorId, status, before, limit + 1));
        List<Map<String, Object>> items = page.stream().limit(limit).map(ApiServer::incidentJson).toList();
        String next = page.size() > limit ? Params.encode(Long.toString(page.get(limit - 1).id())) : null;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("next_cursor", next);
        ctx.json(out);
    }

    private void incident(Context ctx) throws SQLException {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("incident id must be a number, got '" + ctx.pathParam("id") + "'");
        }
        var row = db.read(c -> incidents.get(c, id));
        if (row == null) {
            throw ApiError.notFound("no incident " + id);
        }
        Map<String, Object> out = incidentJson(row);
        out.put("timeline", db.read(c -> incidents.events(c, id)));
        ctx.json(out);
    }

    private static Map<String, Object> incidentJson(IncidentStore.IncidentRow r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("monitorId", r.monitorId());
        out.put("status", r.status());
        out.put("severity", r.severity());
        out.put("currentSeverity", r.severityNow());
        out.put("reason", r.reason());
        out.put("layer", r.layer());
        out.put("phase", r.phase());
        out.put("message", r.message());
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

    private MonitorStore.MonitorRow requireMonitor(String id) throws SQLException {
        var row = db.read(c -> monitors.get(c, id));
        if (row == null) {
            throw ApiError.notFound("no monitor '" + id + "'");
        }
        return row;
    }

    private static <T> Map<String, Object> paged(List<T> page, int limit, String next) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", page.size() > limit ? page.subList(0, limit) : page);
        out.put("next_cursor", next);
        return out;
    }

    private static Map<String, Window> windows() {
        Map<String, Window> w = new LinkedHashMap<>();
        w.put("24h", new Window(Duration.ofHours(24), Resolution.HOUR));
        w.put("7d", new Window(Duration.ofDays(7), Resolution.HOUR));
        w.put("30d", new Window(Duration.ofDays(30), Resolution.HOUR));
        w.put("90d", new Window(Duration.ofDays(90), Resolution.DAY));
        return w;
    }
}
