package dev.mcpwatch.config;

import dev.mcpwatch.detect.Rules;
import dev.mcpwatch.probe.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each detection rule's settings for one monitor ({@code detection:} in the defaults or the
 * monitor). The records are the rules' own, declared with their {@link Block} next to each rule in
 * {@code detect/}; a rule reads its own with {@link #get}.
 */
public final class DetectionSettings {
    /** Every rule at its defaults: the incident-response guide's values. */
    public static final DetectionSettings DEFAULT = defaults();

    private final Map<String, Object> byRule;

    private DetectionSettings(Map<String, Object> byRule) {
        this.byRule = Collections.unmodifiableMap(byRule);
    }

    private static DetectionSettings defaults() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (Block<?> block : Rules.blocks()) {
            all.put(block.key(), block.defaults());
        }
        return new DetectionSettings(all);
    }

    /** The settings of the rule that owns {@code block}. */
    public <S> S get(Block<S> block) {
        Object settings = byRule.get(block.key());
        return settings == null ? block.defaults() : block.type().cast(settings);
    }

    /** The same settings, with {@code settings} for the rule of {@code block}. */
    public <S> DetectionSettings with(Block<S> block, S settings) {
        Map<String, Object> next = new LinkedHashMap<>(byRule);
        next.put(block.key(), settings);
        return new DetectionSettings(next);
    }

    /** The settings as shown with a monitor's configuration: durations in milliseconds ({@code window_ms}), shares as fractions. */
    public ObjectNode toJson() {
        ObjectNode out = Json.object();
        for (Block<?> block : Rules.blocks()) {
            ObjectNode rule = (ObjectNode) Binding.tree(get(block));
            ObjectNode shown = out.putObject(block.key());
            for (Map.Entry<String, JsonNode> e : rule.properties()) {
                boolean duration = block.schema().path("properties").path(e.getKey()).path("$ref").asString("").equals("#/$defs/duration");
                if (duration) {
                    shown.put(e.getKey() + "_ms", Durations.parse(e.getValue().asString()).toMillis());
                } else {
                    shown.set(e.getKey(), e.getValue());
                }
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DetectionSettings other && other.byRule.equals(byRule);
    }

    @Override
    public int hashCode() {
        return byRule.hashCode();
    }

    @Override
    public String toString() {
        return "DetectionSettings" + byRule.values();
    }
}
