package dev.mcpwatch.reliability;

import dev.mcpwatch.config.ConfigException;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Reads one SLO's definition exactly as the configuration file reads an entry of {@code slos:}
 * (schema, checks, messages), for SLOs added through the API. The configuration file's loader
 * implements it.
 */
@FunctionalInterface
public interface SloReader {
    /** The SLO, with {@code ${VAR}} read through {@code env}; every problem at once otherwise. */
    Slo read(JsonNode definition, Function<String, String> env) throws ConfigException;
}
