package dev.mcpwatch.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A place in the configuration, for a feature package that reads its own top-level section (alerting
 * reads {@code alerting:}). The same path-named reads as the loader's own: each mistake becomes a
 * {@link Problem} naming the file, the path and what is wrong, and the read returns a fallback, so
 * one pass reports every mistake.
 */
public final class Section {
    private final Node node;

    Section(Node node) {
        this.node = node;
    }

    public String path() {
        return node.path();
    }

    public boolean isMissing() {
        return node.isMissing();
    }

    public boolean has(String key) {
        return node.has(key);
    }

    /** Whether the key is written at all, even with an empty value. */
    public boolean isSet(String key) {
        JsonNode raw = node.raw();
        return raw != null && raw.isObject() && raw.has(key);
    }

    public Section get(String key) {
        return new Section(node.get(key));
    }

    public void problem(String message) {
        node.problem(message);
    }

    public void allowOnly(Set<String> allowed) {
        node.allowOnly(allowed);
    }

    /** True when this is a mapping; reports anything else that is present. */
    public boolean requireObject() {
        return node.requireObject();
    }

    public String string(String key, String fallback) {
        return node.string(key, fallback);
    }

    public String requiredString(String key) {
        return node.requiredString(key);
    }

    public int integer(String key, int fallback, int min, int max) {
        return node.integer(key, fallback, min, max);
    }

    public boolean bool(String key, boolean fallback) {
        return node.bool(key, fallback);
    }

    public Duration duration(String key, Duration fallback) {
        return node.duration(key, fallback);
    }

    public List<String> strings(String key, List<String> fallback) {
        return node.strings(key, fallback);
    }

    public Map<String, String> stringMap(String key) {
        return node.stringMap(key);
    }

    /** The items of this list, each with its own path. */
    public List<Section> items() {
        return node.items().stream().map(Section::new).toList();
    }

    /** The entries of this mapping (name → section), in file order; reports anything but a mapping. */
    public Map<String, Section> entries() {
        Map<String, Section> out = new LinkedHashMap<>();
        if (!node.requireObject()) {
            return out;
        }
        List<String> keys = new ArrayList<>();
        node.raw().propertyNames().forEach(keys::add);
        for (String key : keys) {
            out.put(key, new Section(node.get(key)));
        }
        return out;
    }

    /** Whether this place holds a text value (rather than a mapping or list). */
    public boolean isText() {
        JsonNode raw = node.raw();
        return raw != null && raw.isValueNode();
    }

    /** This place's own text value, or null. */
    public String text() {
        JsonNode raw = node.raw();
        return raw != null && raw.isValueNode() ? raw.asString() : null;
    }
}
