package dev.mcpwatch.monitor;

import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.incident.Quorum;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.LocationStateStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.ToolListStore;
import dev.mcpwatch.web.Params;
import dev.mcpwatch.web.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import tools.jackson.databind.node.ObjectNode;

/**
 * The monitors' JSON API. Reads: the monitors in force with their state, each one's results,
 * uptime and latency per window, time series and tool lists. Every list is cursor-paged
 * ({@code limit}, {@code cursor}, and {@code next_cursor} in the answer), so a page costs the same at
 * the first monitor and the ten-thousandth; uptime and latency come from rollups, never from raw
 * results. Writes (behind a token or a session, like the rest of {@code /api}): the monitors owned
 * by the API — create, replace, pause, resume, delete — with bodies in the configuration file's
 * shape, checked by {@link ApiMonitors}.
 */
public final class MonitorRoutes implements Routes {
    private static final Map<String, Window> WINDOWS = windows();

    private record Window(Duration length, Resolution resolution) {}

    private final Database db;
    private final ApiMonitors apiMonitors;
    private final InstantSource clock;
    private final MonitorStore monitors = new MonitorStore();
    private final LocationStateStore locations = new LocationStateStore();
    private final ResultStore results = new ResultStore();
    private final ToolListStore toolLists = new ToolListStore();
    private final RollupStore rollups;

    public MonitorRoutes(Database db, ApiMonitors apiMonitors, InstantSource clock) {
        this.db = db;
        this.apiMonitors = apiMonitors;
        this.clock = clock;
        this.rollups = new RollupStore(db.dialect());
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/monitors", this::list);
        routes.get("/api/monitors/{id}", ctx -> ctx.json(withLocations(monitor(ctx.pathParam("id")))));
        routes.get("/api/monitors/{id}/results", this::results);
        routes.get("/api/monitors/{id}/stats", this::stats);
        routes.get("/api/monitors/{id}/series", this::series);
        routes.get("/api/monitors/{id}/tools", this::tools);
        routes.post("/api/monitors", ctx -> save(ctx, Params.jsonObject(ctx), true));
        routes.put("/api/monitors/{id}", ctx -> {
            ObjectNode d = Params.jsonObject(ctx);
            d.put("id", ctx.pathParam("id"));
            save(ctx, d, false);
        });
        routes.delete("/api/monitors/{id}", ctx -> {
            invalid(() -> apiMonitors.delete(ctx.pathParam("id")));
            ctx.status(204);
        });
        routes.post("/api/monitors/{id}/pause", ctx -> pause(ctx, true));
        routes.post("/api/monitors/{id}/resume", ctx -> pause(ctx, false));
    }

    private void list(Context ctx) throws SQLException {
        ctx.json(list(ctx.queryParam("status"), ctx.queryParam("tag"), ctx.queryParam("q"), ctx.queryParam("cursor"), Params.limit(ctx)));
    }

    /**
     * One page of the monitors in force, optionally only those in {@code status}, with {@code tag}, or
     * whose id, name or target contains {@code text}; {@code cursor} is a {@code next_cursor} given out.
     */
    public Map<String, Object> list(String status, String tag, String text, String cursor, int limit) throws SQLException {
        if (status != null && !List.of("unknown", "up", "suspect", "down", "auth-walled").contains(status)) {
            throw new IllegalArgumentException("status must be one of unknown, up, suspect, down, auth-walled; got '" + status + "'");
        }
        String after = Params.decode(cursor);
        var page = db.read(c -> monitors.page(c, after, status, tag, text, limit + 1));
        return Params.page(page, limit, MonitorStore.MonitorRow::id);
    }

    private void results(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        monitor(id);
        int limit = Params.limit(ctx);
        long now = clock.millis();
        Long from = Params.time(ctx, "from");
        Long to = Params.time(ctx, "to");
        long start = from == null ? 0 : from;
        long end = to == null ? now + 1 : to;
        if (end <= start) {
            throw new IllegalArgumentException("to must be after from");
        }
        long[] cursor = Params.pair(Params.decode(ctx));
        var page = db.read(c -> results.page(c, id, start, end, cursor == null ? null : cursor[0], cursor == null ? null : cursor[1],
                limit + 1));
        ctx.json(Params.page(page, limit, last -> last.startedAt() + ":" + last.id()));
    }

    private void stats(Context ctx) throws SQLException {
        ctx.json(stats(ctx.pathParam("id"), location(ctx)));
    }

    /** The {@code location} parameter: null (every location merged) when absent; a 400 naming it when it cannot be a location. */
    private static String location(Context ctx) {
        String location = ctx.queryParam("location");
        String problem = location == null ? null : ServerSettings.locationProblem(location);
        if (problem != null) {
            throw new IllegalArgumentException("location " + problem);
        }
        return location;
    }

    /** {@link #stats(String, String)} of every location's probes merged. */
    public Map<String, Object> stats(String id) throws SQLException {
        return stats(id, null);
    }

    /**
     * Uptime, probe and failure counts and latency quantiles of monitor {@code id} over 24 h, 7, 30 and
     * 90 days, from rollups: of {@code location}'s probes, or of every location's merged when it is null.
     */
    public Map<String, Object> stats(String id, String location) throws SQLException {
        monitor(id);
        long now = clock.millis();
        Map<String, Object> windows = new LinkedHashMap<>();
        for (var w : WINDOWS.entrySet()) {
            long from = now - w.getValue().length().toMillis();
            var s = db.read(c -> rollups.summary(c, id, location, w.getValue().resolution(), from, now + 1));
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
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("monitor", id);
        if (location != null) {
            out.put("location", location);
        }
        out.put("windows", windows);
        return out;
    }

    private void series(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        String location = location(ctx);
        monitor(id);
        String res = ctx.queryParam("resolution") == null ? "hour" : ctx.queryParam("resolution");
        Resolution resolution = switch (res) {
            case "minute" -> Resolution.MINUTE;
            case "hour" -> Resolution.HOUR;
            case "day" -> Resolution.DAY;
            default -> throw new IllegalArgumentException("resolution must be minute, hour or day; got '" + res + "'");
        };
        long now = clock.millis();
        Long from = Params.time(ctx, "from");
        Long to = Params.time(ctx, "to");
        long start = from == null ? now - Duration.ofDays(1).toMillis() : from;
        long end = to == null ? now + 1 : to;
        if ((end - start) / resolution.millis() > 2_000) {
            throw new IllegalArgumentException("at most 2000 " + resolution.wireName()
                    + " buckets per request; narrow from/to or use a coarser resolution");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("monitor", id);
        if (location != null) {
            out.put("location", location);
        }
        out.put("resolution", resolution);
        out.put("buckets", db.read(c -> rollups.buckets(c, id, location, resolution, start, end)));
        ctx.json(out);
    }

    private void tools(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        monitor(id);
        var current = db.read(c -> toolLists.current(c, id));
        var history = db.read(c -> toolLists.history(c, id, 100));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("monitor", id);
        out.put("current", current);
        out.put("history", history);
        ctx.json(out);
    }

    private void save(Context ctx, ObjectNode definition, boolean create) throws SQLException {
        invalid(() -> apiMonitors.save(definition, create));
        ctx.status(create ? 201 : 200).json(db.read(c -> monitors.get(c, definition.path("id").asString())));
    }

    private void pause(Context ctx, boolean paused) throws SQLException {
        invalid(() -> apiMonitors.setPaused(ctx.pathParam("id"), paused));
        ctx.json(db.read(c -> monitors.get(c, ctx.pathParam("id"))));
    }

    /** Monitor {@code id} as stored, with its state and last result; 404 when there is none. */
    public MonitorStore.MonitorRow monitor(String id) throws SQLException {
        var row = db.read(c -> monitors.get(c, id));
        if (row == null) {
            throw new NoSuchElementException("no monitor '" + id + "'");
        }
        return row;
    }


    /**
     * The monitor with each location's own view of it: its state machine's status, its last probe's
     * latency and time; the monitor's status is what the quorum of them makes of it.
     */
    private ObjectNode withLocations(MonitorStore.MonitorRow row) throws SQLException {
        ObjectNode out = Json.MAPPER.valueToTree(row);
        var list = out.putArray("locations");
        for (Quorum.Location l : db.read(c -> locations.all(c, row.id()))) {
            ObjectNode one = list.addObject();
            one.put("name", l.name());
            one.put("status", l.state().status().wireName());
            if (l.lastTotalMs() == null) {
                one.putNull("latencyMs");
            } else {
                one.put("latencyMs", l.lastTotalMs());
            }
            one.put("at", l.lastProbeAt());
        }
        return out;
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

    private static Map<String, Window> windows() {
        Map<String, Window> w = new LinkedHashMap<>();
        w.put("24h", new Window(Duration.ofHours(24), Resolution.HOUR));
        w.put("7d", new Window(Duration.ofDays(7), Resolution.HOUR));
        w.put("30d", new Window(Duration.ofDays(30), Resolution.HOUR));
        w.put("90d", new Window(Duration.ofDays(90), Resolution.DAY));
        return w;
    }
}
