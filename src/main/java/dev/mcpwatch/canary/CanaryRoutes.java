package dev.mcpwatch.canary;

import dev.mcpwatch.auth.AccessControl;
import dev.mcpwatch.schema.SchemaChange;
import dev.mcpwatch.store.CanaryStore;
import dev.mcpwatch.web.Frame;
import dev.mcpwatch.web.Params;
import dev.mcpwatch.web.Routes;
import dev.mcpwatch.web.Templates;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import tools.jackson.databind.JsonNode;

/**
 * Continuous canaries over HTTP: the answer deploy tooling polls, the promotions it records, and the
 * dashboard's canary pages, where both sides stand side by side over time.
 *
 * <pre>
 * GET    /api/canaries                every canary's answer
 * POST   /api/canaries                {"id", "stable", "canary"} or {"id", "monitor", "split": {"header", "stable", "canary"}},
 *                                     optional "stage", "started_at", "interval", "allow_breaking", "severity" → 201 and the answer
 * GET    /api/canaries/{id}           {"verdict": promote|hold|rollback, "stage", "next_stage_at", "reasons": […], …, "analysis"}
 * POST   /api/canaries/{id}/stage     {"stage": 25, "by": "argo"} records a promotion (or a step back) → the answer
 * DELETE /api/canaries/{id}           removes a canary added through the API
 * GET    /canaries, /canaries/{id}    the dashboard's pages
 * </pre>
 */
public final class CanaryRoutes implements Routes {
    /** How many points a chart draws at most; more rounds than this are thinned to the last of each slice. */
    static final int MAX_POINTS = 360;
    static final Duration CHART_SPAN = Duration.ofHours(24);

    /** The canary page: the answer, the settings, both sides over time, the rules with their evidence and the tool diff. */
    public record Page(Frame frame, Canaries.Answer answer, CanarySettings settings, TrendChart errorRate, TrendChart p99,
            List<RuleResult> rules, Verdict.ToolSurface tools, List<SchemaChange> changes, List<CanaryStore.StageRow> stages) {}

    /** The list of canaries. */
    public record ListPage(Frame frame, List<Canaries.Answer> canaries) {}

    private final Canaries canaries;
    private final InstantSource clock;

    public CanaryRoutes(Canaries canaries, InstantSource clock) {
        this.canaries = canaries;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/canaries", ctx -> ctx.json(Map.of("canaries", canaries.answers())));
        routes.post("/api/canaries", this::add);
        routes.get("/api/canaries/{id}", ctx -> ctx.json(canaries.answer(ctx.pathParam("id"))));
        routes.post("/api/canaries/{id}/stage", this::stage);
        routes.delete("/api/canaries/{id}", ctx -> {
            canaries.remove(ctx.pathParam("id"));
            ctx.status(204);
        });
        routes.get("/canaries", ctx -> Templates.page(ctx, "dashboard/canaries.jte", new ListPage(AccessControl.frame(ctx, "Canaries",
                "canaries"), canaries.answers())));
        routes.get("/canaries/{id}", this::page);
        routes.exception(Canaries.Conflict.class, (e, ctx) -> ctx.status(409).json(Map.of("error", e.getMessage())));
    }

    private void add(Context ctx) throws SQLException {
        CanarySettings s = CanaryJson.read(Params.jsonObject(ctx));
        ctx.status(201).json(canaries.add(s));
    }

    private void stage(Context ctx) throws SQLException {
        JsonNode body = Params.jsonObject(ctx);
        JsonNode stage = body.get("stage");
        if (stage == null || !stage.canConvertToInt() || !stage.isIntegralNumber()) {
            throw new IllegalArgumentException("the body must say the stage now in force, as a percent of traffic: {\"stage\": 25} "
                    + "(5, 25, 50 or 100)");
        }
        String by = body.path("by").asString("api");
        ctx.json(canaries.promote(ctx.pathParam("id"), stage.asInt(), by.isBlank() ? "api" : by.strip()));
    }

    private void page(Context ctx) throws SQLException {
        String id = ctx.pathParam("id");
        Canaries.Answer answer = canaries.answer(id);
        CanarySettings settings = canaries.settings(id);
        if (settings == null) {
            throw new NoSuchElementException("canary '" + id + "' is not in force");
        }
        Instant now = clock.instant();
        Instant from = answer.startedAt().isAfter(now.minus(CHART_SPAN)) ? answer.startedAt() : now.minus(CHART_SPAN);
        CanaryStore.RoundRow[] rounds = canaries.rounds(id, from);
        List<TrendChart.Point> rates = new ArrayList<>();
        List<TrendChart.Point> p99s = new ArrayList<>();
        for (CanaryStore.RoundRow r : thinned(rounds)) {
            rates.add(new TrendChart.Point(r.at(), percent(r.stableErrorRate()), percent(r.canaryErrorRate())));
            p99s.add(new TrendChart.Point(r.at(), r.stableP99Ms(), r.canaryP99Ms()));
        }
        long start = from.toEpochMilli();
        long end = Math.max(start + 1, now.toEpochMilli());
        Verdict v = answer.analysis();
        Page page = new Page(AccessControl.frame(ctx, "Canary " + id, "canaries"), answer, settings,
                TrendChart.of("Error rate over the last " + Analysis.words(Canaries.THRESHOLDS.window()), rates, start, end,
                        x -> String.format(Locale.ROOT, "%.1f %%", x)),
                TrendChart.of("p99 of a whole probe over the last " + Analysis.words(Canaries.THRESHOLDS.window()), p99s, start, end,
                        Analysis::ms),
                v == null ? List.of() : v.rules(), v == null ? null : v.tools(), v == null || v.tools() == null ? List.of() : v.tools().changes(),
                canaries.stages(id));
        Templates.page(ctx, "dashboard/canary.jte", page);
    }

    /** At most {@link #MAX_POINTS} rounds, the last of each equal slice (the figures are already over a window). */
    static List<CanaryStore.RoundRow> thinned(CanaryStore.RoundRow[] rounds) {
        if (rounds.length <= MAX_POINTS) {
            return List.of(rounds);
        }
        List<CanaryStore.RoundRow> out = new ArrayList<>(MAX_POINTS);
        for (int i = 1; i <= MAX_POINTS; i++) {
            out.add(rounds[(int) ((long) i * rounds.length / MAX_POINTS) - 1]);
        }
        return out;
    }

    private static Double percent(Double share) {
        return share == null ? null : share * 100;
    }
}
