package dev.mcpwatch.web;

import dev.mcpwatch.config.ServerSettings;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server: Javalin on virtual threads, hosting the {@link Routes} each feature brings
 * (the JSON API, the dashboard, status pages, login…), and answering every refusal the same way —
 * JSON with a sentence for the API, a small page for a browser, never a stack trace. It implements
 * no endpoint itself.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);

    private final Javalin app;
    private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();

    /** One registered route: an HTTP method and a path as written ({@code /api/monitors/{id}}). */
    public record Endpoint(String method, String path) {}

    private WebServer(ServerSettings settings, List<Routes> routes) {
        this.app = Javalin.create(cfg -> {
            // Heard before any route is added, so the list is whole: the API's contract test compares it with the OpenAPI document.
            cfg.events.handlerAdded(h -> {
                if (h.getHttpMethod().isHttpMethod()) {
                    endpoints.add(new Endpoint(h.getHttpMethod().name(), h.getPath()));
                }
            });
            cfg.jetty.host = settings.host();
            cfg.jetty.port = settings.port();
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new Jackson3Mapper());
            routes.forEach(r -> r.register(cfg.routes));
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

    /** Starts serving {@code routes}, registered in this order, on the host and port of {@code settings}. */
    public static WebServer start(ServerSettings settings, List<Routes> routes) {
        WebServer server = new WebServer(settings, routes);
        server.app.start();
        return server;
    }

    public int port() {
        return app.port();
    }

    /** Every route served, in the order registered (filters such as the access check left out). */
    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
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
        return path.startsWith("/api/") || path.equals("/api") || path.equals("/health") || path.equals("/mcp") || path.startsWith("/.well-known/") || path.endsWith(".json")
                || path.matches("/status/[^/]+/monitors/[^/]+");
    }

    /** What the error page shows: the status and the sentence, never a stack trace. */
    public record ErrorPage(int status, String message) {}
}
