package dev.mcpwatch.web;

import io.javalin.config.RoutesConfig;

/**
 * Routes a feature adds to the API (alerting's acknowledgements and deliveries, detection's drift
 * history…), registered once at start-up. {@link ApiServer} owns errors and JSON for all of them:
 * throw {@code IllegalArgumentException} for a bad request (400) and
 * {@code java.util.NoSuchElementException} for a missing thing (404), each with a sentence that
 * says what to change.
 */
@FunctionalInterface
public interface ApiRoutes {
    void register(RoutesConfig routes);
}
