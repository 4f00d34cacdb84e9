package dev.mcpwatch.monitor;

import dev.mcpwatch.web.Routes;
import io.javalin.config.RoutesConfig;
import java.util.function.Supplier;

/**
 * {@code GET /health}: this node's {@link HealthReport}, 200 when ok; 503 when degraded (the database
 * cannot be written, or the configuration on disk does not load).
 */
public final class HealthRoutes implements Routes {
    private final Supplier<HealthReport> health;

    public HealthRoutes(Supplier<HealthReport> health) {
        this.health = health;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/health", ctx -> {
            HealthReport report = health.get();
            ctx.status(report.ok() ? 200 : 503).json(report);
        });
    }
}
