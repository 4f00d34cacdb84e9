package dev.mcpwatch.schema;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Checks a value against a tool's JSON Schema (an {@code outputSchema}, an {@code inputSchema}), as a
 * client that validates would: draft 2020-12 unless the schema names another dialect, {@code format}
 * as an annotation. A server's {@code $ref} is resolved inside its own schema only; nothing is ever
 * fetched (the registry loads no remote resource), so a schema cannot make mcpwatch reach a URL.
 *
 * <p>The schema's own keywords run, its {@code pattern}s included: use this on the operator's servers
 * under comparison (canary analysis), not on every probe of every monitor.
 */
public final class SchemaValidation {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaLoader(loader -> loader.fetchRemoteResources(false)));
    /** Compiled schemas by their canonical text; a canary compares a handful of tools, so a small bound is plenty. */
    private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();
    private static final int MAX_COMPILED = 256;
    private static final int MAX_PROBLEMS = 3;

    private SchemaValidation() {}

    /**
     * What is wrong with {@code value} under {@code schema}, in words (at most three problems, each
     * with where it is), or null when it conforms.
     *
     * @throws IllegalArgumentException when the schema cannot be used (not a schema, an unknown
     *     dialect, a reference that does not resolve inside it)
     */
    public static String problems(JsonNode schema, JsonNode value) {
        List<Error> errors;
        try {
            errors = compiled(schema).validate(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the schema cannot be used: " + e.getMessage(), e);
        }
        if (errors.isEmpty()) {
            return null;
        }
        List<String> shown = errors.stream().limit(MAX_PROBLEMS).map(SchemaValidation::words).toList();
        return String.join("; ", shown) + (errors.size() > MAX_PROBLEMS ? " (and " + (errors.size() - MAX_PROBLEMS) + " more)" : "");
    }

    private static Schema compiled(JsonNode schema) {
        String key = CanonicalJson.write(schema);
        Schema s = COMPILED.get(key);
        if (s == null) {
            if (COMPILED.size() >= MAX_COMPILED) {
                COMPILED.clear();
            }
            s = REGISTRY.getSchema(schema);
            COMPILED.put(key, s);
        }
        return s;
    }

    private static String words(Error e) {
        String where = e.getInstanceLocation() == null ? "$" : e.getInstanceLocation().toString();
        String message = e.getMessage() == null ? e.getKeyword() : e.getMessage();
        return message.startsWith(where) ? message : where + ": " + message;
    }
}
