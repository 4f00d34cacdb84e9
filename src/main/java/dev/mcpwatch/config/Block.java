package dev.mcpwatch.config;

import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Settings a feature owns, declared next to its code: the key they are written under, the record
 * they bind to and its defaults, the JSON Schema of what may be written there, and the checks a
 * schema cannot make (one value against another). Each detection rule and each alert channel has
 * one; the configuration's schema is composed of them, so the registry that lists the rules or the
 * channels is the only list.
 *
 * <p>The schema is a fragment of the whole: it may use the shared definitions ({@code
 * #/$defs/duration}, {@code #/$defs/share}, {@code #/$defs/integer}, … see {@link ConfigSchema}).
 * Every property gets its default from {@code defaults}, so editors show them.
 */
public record Block<S>(String key, Class<S> type, S defaults, ObjectNode schema, Checks<S> checks) {

    /** The checks of a block's values that a schema cannot make; problems go to the place they were written. */
    @FunctionalInterface
    public interface Checks<S> {
        void check(S settings, Section at);
    }

    public static <S> Block<S> of(String key, Class<S> type, S defaults, String schema) {
        try {
            ObjectNode fragment = (ObjectNode) Binding.MAPPER.readTree(schema);
            annotateDefaults(fragment, Binding.tree(defaults));
            return new Block<>(key, type, defaults, fragment, (s, at) -> { });
        } catch (JacksonException | ClassCastException e) {
            throw new IllegalArgumentException("the schema of " + key + " is not a JSON object: " + e.getMessage(), e);
        }
    }

    public Block<S> checkedBy(Checks<S> next) {
        return new Block<>(key, type, defaults, schema, next);
    }

    /** What is written at {@code at} over {@code base}, checked; {@code base} itself when nothing is written there. */
    public S read(Section at, S base) {
        if (at.isMissing()) {
            return base;
        }
        S settings = at.bind(type, base);
        if (settings == null) {
            return base;
        }
        checks.check(settings, at);
        return settings;
    }

    /** Adds each property's default to the schema, as it would be written. */
    public static void annotateDefaults(ObjectNode schema, JsonNode defaults) {
        if (defaults == null || !defaults.isObject() || !schema.path("properties").isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> p : schema.get("properties").properties()) {
            JsonNode value = defaults.get(p.getKey());
            if (value == null || value.isNull() || !p.getValue().isObject()) {
                continue;
            }
            ObjectNode property = (ObjectNode) p.getValue();
            if (value.isObject()) {
                annotateDefaults(property, value);
            } else if (!property.has("default")) {
                property.set("default", written(value));
            }
        }
    }

    private static JsonNode written(JsonNode value) {
        if (value.isString() && value.asString().matches("\\d+ms")) {
            return Binding.MAPPER.getNodeFactory().stringNode(Durations.format(Durations.parse(value.asString())));
        }
        return value;
    }
}
