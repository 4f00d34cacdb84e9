package dev.mcpwatch.canary;

import dev.mcpwatch.config.Durations;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * A canary's settings as JSON, in the configuration's words ({@code allow_breaking}, {@code 30s}):
 * what {@code POST /api/canaries} takes, and how a definition is kept in the database.
 */
final class CanaryJson {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule("canary-settings")
                    .addDeserializer(Duration.class, new ValueDeserializer<>() {
                        @Override
                        public Duration deserialize(JsonParser p, DeserializationContext ctxt) {
                            return Durations.parse(p.getValueAsString());
                        }
                    })
                    .addSerializer(Duration.class, new ValueSerializer<>() {
                        @Override
                        public void serialize(Duration d, JsonGenerator g, SerializationContext ctxt) {
                            g.writeString(d.toMillis() + "ms");
                        }
                    }))
            .build();

    private CanaryJson() {}

    static String write(CanarySettings s) {
        return MAPPER.writeValueAsString(s);
    }

    static CanarySettings read(String json) {
        try {
            return read(MAPPER.readTree(json));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The settings in {@code node}, or an {@code IllegalArgumentException} that says which field is wrong and how. */
    static CanarySettings read(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a canary is a JSON object: {\"id\", \"stable\", \"canary\"} or {\"id\", \"monitor\", \"split\"}");
        }
        try {
            return MAPPER.treeToValue(node, CanarySettings.class).validated();
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown field '" + e.getPropertyName() + "'; a canary has id, stable, canary, monitor, split "
                    + "(header, stable, canary), stage, started_at, interval, allow_breaking, severity, prometheus (url, stable_version, canary_version)");
        } catch (JacksonException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException iae) {
                    throw new IllegalArgumentException(iae.getMessage());
                }
            }
            String at = e.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("the canary");
            throw new IllegalArgumentException(at + ": " + e.getOriginalMessage());
        }
    }
}
