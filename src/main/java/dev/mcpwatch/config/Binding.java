package dev.mcpwatch.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import java.time.Duration;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;

/**
 * How checked configuration becomes records: snake_case keys to record components, durations as
 * people write them ({@code 30s}, {@code 5m}, or bare seconds), shares as a percentage or a fraction
 * ({@code 25%} or {@code 0.25}), one text where a list is expected as a list of one. The schema has
 * refused everything else before a value gets here; a record's components are exactly its keys.
 */
public final class Binding {
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            // A record is its components: methods such as isPostgres() are not settings.
            .changeDefaultVisibility(v -> v.withGetterVisibility(Visibility.NONE).withIsGetterVisibility(Visibility.NONE)
                    .withFieldVisibility(Visibility.ANY))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .addModule(new SimpleModule("mcpwatch-settings")
                    .addDeserializer(Duration.class, new DurationReader())
                    .addSerializer(Duration.class, new DurationWriter())
                    .addDeserializer(Double.class, new ShareReader())
                    .addDeserializer(double.class, new ShareReader()))
            .build();

    private Binding() {}

    /** {@code node} bound into {@code type}; a value the schema let through but the record cannot take is a problem at its place. */
    public static <T> T read(JsonNode node, Class<T> type, Section at) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JacksonException e) {
            Section place = at;
            JsonNode value = node;
            for (JacksonException.Reference step : e.getPath()) {
                place = step.getPropertyName() != null ? place.at(step.getPropertyName()) : place.at(step.getIndex());
                value = value == null ? null : step.getPropertyName() != null ? value.get(step.getPropertyName()) : value.get(step.getIndex());
            }
            // A duration's form is the schema's to check, its size is not: 99999999999999999999d is written like 30s.
            place.problem(causedBy(e, Durations.OutOfRange.class) ? "must be at most " + Durations.MAX_TEXT + ", got " + describe(value)
                    : "cannot be read: " + e.getOriginalMessage());
            return null;
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The settings as they would be written: what {@link #merge} lays a file's values over. */
    /** A value as problems quote it: a text in quotes, anything else as JSON, cut at 60 characters. */
    public static String describe(JsonNode n) {
        String s = n == null ? "nothing" : n.isString() ? "'" + n.asString() + "'" : n.toString();
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    public static JsonNode tree(Object settings) {
        return settings == null ? null : MAPPER.valueToTree(settings);
    }

    /** {@code over} laid on {@code base}: mappings merge key by key, anything else (a value, a list) replaces. */
    public static JsonNode merge(JsonNode base, JsonNode over) {
        if (over == null || over.isMissingNode()) {
            return base;
        }
        if (base == null || !base.isObject() || !over.isObject()) {
            return over;
        }
        ObjectNode out = ((ObjectNode) base).deepCopy();
        for (Map.Entry<String, JsonNode> e : over.properties()) {
            out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
        }
        return out;
    }

    private static final class DurationReader extends ValueDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) {
            return Durations.parse(p.getString());
        }
    }

    /** Milliseconds, which {@link Durations#parse} reads back exactly. */
    private static final class DurationWriter extends ValueSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializationContext ctxt) {
            gen.writeString(value.toMillis() + "ms");
        }
    }

    /** A number, or a share written as a percentage: {@code 25%} is 0.25. */
    private static final class ShareReader extends ValueDeserializer<Double> {
        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT || p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
                return p.getDoubleValue();
            }
            String text = p.getString().strip();
            return text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1).strip()) / 100 : Double.parseDouble(text);
        }
    }
}
