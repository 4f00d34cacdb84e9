package dev.mcpwatch.status;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.web.Fmt;
import dev.mcpwatch.web.Routes;
import dev.mcpwatch.web.Templates;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The public side: status pages, their JSON and Atom feed, the JSON of one public monitor, and SVG
 * badges. Everything here is served without login, from {@link Cached}, and only for monitors that
 * some status page shows.
 */
public final class StatusRoutes implements Routes {
    private static final Map<String, Duration> PERIODS = Map.of("24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d",
            Duration.ofDays(30), "90d", Duration.ofDays(90));

    /** The status page as its template sees it: the view and the address of this page's feed. */
    public record PageHtml(StatusPages.PageView view, String feedUrl, String jsonUrl) {}

    /** The Atom feed: the view, the page's absolute URL, and the feed's own. */
    public record Feed(StatusPages.PageView view, String pageUrl, String selfUrl) {}

    private final StatusPages pages;
    private final String publicUrl;
    private final InstantSource clock;
    private final Cached cache;

    /** {@code publicUrl} (server.public_url) makes absolute links in feeds; without it, the request's host is used. */
    public StatusRoutes(StatusPages pages, String publicUrl, InstantSource clock) {
        this.pages = pages;
        this.publicUrl = publicUrl == null ? null : publicUrl.replaceAll("/+$", "");
        this.clock = clock;
        this.cache = new Cached(clock);
    }

    /** Drops every cached answer: an update was posted, an incident opened or resolved. */
    public void invalidate() {
        cache.clear();
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/status/{slug}", this::html);
        routes.get("/status/{slug}/status.json", this::json);
        routes.get("/status/{slug}/feed.atom", this::atom);
        routes.get("/status/{slug}/monitors/{id}", this::monitorJson);
        routes.get("/badge/{id}/status.svg", this::statusBadge);
        routes.get("/badge/{id}/uptime.svg", this::uptimeBadge);
        routes.get("/badge/{id}/latency.svg", this::latencyBadge);
    }

    private void html(Context ctx) throws Exception {
        var page = pages.config(ctx.pathParam("slug"));
        Templates.htmlHeaders(ctx);
        cache.serve(ctx, ctx.path(), () -> {
            var view = pages.view(page, clock.millis());
            String base = "/status/" + page.slug();
            return new Cached.Answer(Templates.render("status/page.jte", new PageHtml(view, base + "/feed.atom", base + "/status.json")),
                    "text/html; charset=utf-8", 200);
        });
    }

    private void json(Context ctx) throws Exception {
        var page = pages.config(ctx.pathParam("slug"));
        cache.serve(ctx, ctx.path(), () -> new Cached.Answer(Json.MAPPER.writeValueAsBytes(pages.view(page, clock.millis())),
                "application/json", 200));
    }

    private void atom(Context ctx) throws Exception {
        var page = pages.config(ctx.pathParam("slug"));
        String base = base(ctx) + "/status/" + page.slug();
        cache.serve(ctx, base + "/feed.atom", () -> new Cached.Answer(
                Templates.render("status/feed.jte", new Feed(pages.view(page, clock.millis()), base, base + "/feed.atom")),
                "application/atom+xml; charset=utf-8", 200));
    }

    private void monitorJson(Context ctx) throws Exception {
        var page = pages.config(ctx.pathParam("slug"));
        String id = ctx.pathParam("id");
        if (!page.monitors().contains(id)) {
            throw new NoSuchElementException("status page '" + page.slug() + "' shows no monitor '" + id + "'");
        }
        cache.serve(ctx, ctx.path(), () -> {
            var view = pages.monitor(id, clock.millis());
            if (view == null) {
                return new Cached.Answer(Json.MAPPER.writeValueAsBytes(Map.of("error", "no monitor '" + id + "'")), "application/json", 404);
            }
            return new Cached.Answer(Json.MAPPER.writeValueAsBytes(view), "application/json", 200);
        });
    }

    private void statusBadge(Context ctx) throws Exception {
        String id = publicMonitor(ctx, "status");
        if (id == null) {
            return;
        }
        cache.serve(ctx, ctx.path() + "?" + ctx.queryString(), () -> {
            var view = pages.monitor(id, clock.millis());
            String state = view == null ? "unknown" : view.state();
            return svg(Badge.of(label(ctx, "status"), StatusPages.stateText(state).toLowerCase(java.util.Locale.ROOT), Badge.color(state)));
        });
    }

    private void uptimeBadge(Context ctx) throws Exception {
        String period = ctx.queryParam("period") == null ? "30d" : ctx.queryParam("period");
        String id = publicMonitor(ctx, "uptime " + period);
        if (id == null) {
            return;
        }
        Duration window = PERIODS.get(period);
        if (window == null) {
            unknownBadge(ctx, 400, "uptime", "period must be 24h, 7d, 30d or 90d; got '" + period + "'");
            return;
        }
        cache.serve(ctx, ctx.path() + "?" + ctx.queryString(), () -> {
            Double uptime = pages.uptime(id, window, clock.millis());
            String color = Badge.color(uptime == null ? "unknown" : uptime >= 0.999 ? "good" : uptime >= 0.99 ? "fair" : "poor");
            return svg(Badge.of(label(ctx, "uptime " + period), Fmt.pct(uptime), color));
        });
    }

    private void latencyBadge(Context ctx) throws Exception {
        String id = publicMonitor(ctx, "p95 24h");
        if (id == null) {
            return;
        }
        cache.serve(ctx, ctx.path() + "?" + ctx.queryString(), () -> {
            var view = pages.monitor(id, clock.millis());
            Double p95 = view == null ? null : view.p95Ms();
            String color = Badge.color(p95 == null ? "unknown" : p95 < 500 ? "good" : p95 < 2000 ? "fair" : "poor");
            return svg(Badge.of(label(ctx, "p95 24h"), Fmt.ms(p95), color));
        });
    }

    /** The badge's monitor, or null after answering an "unknown" badge (404) when no status page shows it. */
    private String publicMonitor(Context ctx, String label) {
        String id = ctx.pathParam("id");
        if (!pages.isPublic(id)) {
            unknownBadge(ctx, 404, label, "no public monitor '" + id + "' (a badge needs the monitor on a status page)");
            return null;
        }
        return id;
    }

    /**
     * A badge that cannot be made is still an image — an README shows "unknown" rather than a broken
     * picture — with the status that says why (404 no such public monitor, 400 a bad parameter) and
     * the reason in a header for whoever debugs it.
     */
    private static void unknownBadge(Context ctx, int status, String fallbackLabel, String why) {
        ctx.status(status).contentType("image/svg+xml; charset=utf-8").header("Cache-Control", "no-cache")
                .header("X-Mcpwatch-Error", why.replaceAll("[^\\x20-\\x7e]", "?"))
                .result(Templates.render("status/badge.jte", Badge.of(label(ctx, fallbackLabel), "unknown", Badge.color("unknown"))));
    }

    /** {@code ?label=} replaces the left text (up to 40 characters), like other badge services. */
    private static String label(Context ctx, String fallback) {
        String l = ctx.queryParam("label");
        return l == null || l.isBlank() ? fallback : l.length() > 40 ? l.substring(0, 40) : l;
    }

    private static Cached.Answer svg(Badge badge) {
        return new Cached.Answer(Templates.render("status/badge.jte", badge), "image/svg+xml; charset=utf-8", 200);
    }

    private String base(Context ctx) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = ctx.header("Host");
        return ctx.scheme() + "://" + (host == null ? "localhost" : host.replaceAll("[^A-Za-z0-9.:\\[\\]-]", ""));
    }
}
