package dev.mcpwatch.config;

import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Reads one monitor's definition exactly as the configuration file reads an entry of
 * {@code monitors:} (defaults, checks, messages), for monitors added from the dashboard or the API.
 * The configuration file's loader implements it; features below it are handed one.
 */
@FunctionalInterface
public interface MonitorReader {
    /** The monitor, with {@code ${VAR}} read through {@code env}; every problem at once otherwise. */
    MonitorConfig read(JsonNode definition, Function<String, String> env) throws ConfigException;
}
