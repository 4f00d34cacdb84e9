package dev.mcpwatch.web;

import io.javalin.config.RoutesConfig;

/**
 * The endpoints a feature serves (the monitors' JSON API, alerting's acknowledgements, the
 * dashboard, status pages…), registered once at start-up on the {@link WebServer}, which owns
 * errors and JSON for all of them: throw {@code IllegalArgumentException} for a bad request (400)
 * and {@code java.util.NoSuchElementException} for a missing thing (404), each with a sentence that
 * says what to change; read paging and times with {@link Params}.
 */
@FunctionalInterface
public interface Routes {
    void register(RoutesConfig routes);
}
