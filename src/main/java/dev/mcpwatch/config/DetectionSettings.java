package dev.mcpwatch.config;

import dev.mcpwatch.probe.Json;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each detection rule's settings for one monitor ({@code detection:} in the defaults or the
 * monitor). The records are the rules' own, declared with their {@link Block} next to each rule in
 * {@code detect/}; a rule reads its own with {@link #get}. A rule not held here reads its block's
 * defaults, so this class needs no list of the rules: the configuration's loader starts every
 * monitor from {@link #defaults} of them all.
 */
public final class DetectionSettings {
    /** No rule's settings: every rule at its defaults, the incident-response guide's values. */
    public static final DetectionSettings DEFAULT = new DetectionSettings(Map.of());

    /** Insertion-ordered: the order in which {@link #toJson} shows the rules. */
    private final Map<Block<?>, Object> byRule;

    private DetectionSettings(Map<Block<?>, Object> byRule) {
        this.byRule = Collections.unmodifiableMap(byRule);
    }

    /** Each of {@code blocks} at its defaults, shown in that order. */
    public static DetectionSettings defaults(List<? extends Block<?>> blocks) {
        Map<Block<?>, Object> all = new LinkedHashMap<>();
        for (Block<?> block : blocks) {
            all.put(block, block.defaults());
        }
        return new DetectionSettings(all);
    }

    /** The settings of the rule that owns {@code block}. */
    public <S> S get(Block<S> block) {
        Object settings = byRule.get(block);
        return settings == null ? block.defaults() : block.type().cast(settings);
    }

    /** The same settings, with {@code settings} for the rule of {@code block}. */
    public <S> DetectionSettings with(Block<S> block, S settings) {
        Map<Block<?>, Object> next = new LinkedHashMap<>(byRule);
        next.put(block, settings);
        return new DetectionSettings(next);
    }

    /** The settings as shown with a monitor's configuration: durations in milliseconds ({@code window_ms}), shares as fractions. */
    public ObjectNode toJson() {
        ObjectNode out = Json.object();
        for (Block<?> block : byRule.keySet()) {
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

    /** Equal when every rule reads the same settings: a rule left at its defaults equals one not held. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DetectionSettings other)) {
            return false;
        }
        Set<Block<?>> rules = new HashSet<>(byRule.keySet());
        rules.addAll(other.byRule.keySet());
        for (Block<?> block : rules) {
            if (!Objects.equals(get(block), other.get(block))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 0;
        for (Map.Entry<Block<?>, Object> e : byRule.entrySet()) {
            if (!Objects.equals(e.getValue(), e.getKey().defaults())) {
                hash += e.getKey().key().hashCode() ^ e.getValue().hashCode();
            }
        }
        return hash;
    }

    @Override
    public String toString() {
        return "DetectionSettings" + byRule.values();
    }
}
