package dev.mcpwatch.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A place in one file of the configuration, after its shape was checked against the schema: what is
 * written there, bound into the record that holds it, and the problems the schema cannot find
 * (a timeout not shorter than its interval, a route naming a channel that does not exist), each
 * reported with the file and the path. A value the schema refused is gone from here, so the checks
 * that follow never repeat its mistake.
 */
public final class Section {
    private final Problems problems;
    private final String file;
    private final String path;
    private final JsonNode node;

    public Section(Problems problems, String file, String path, JsonNode node) {
        this.problems = problems;
        this.file = file;
        this.path = path;
        this.node = node == null || node.isMissingNode() || node.isNull() ? null : node;
    }

    public String path() {
        return path;
    }

    /** Nothing is written here (or only an empty value). */
    public boolean isMissing() {
        return node == null;
    }

    /** Whether {@code key} is written at this place, even with an empty value. */
    public boolean written(String key) {
        return node != null && node.isObject() && node.has(key);
    }

    public Section at(String key) {
        return new Section(problems, file, path.isEmpty() ? key : path + "." + key, node != null && node.isObject() ? node.get(key) : null);
    }

    public Section at(int index) {
        return new Section(problems, file, path + "[" + index + "]", node != null && node.isArray() ? node.get(index) : null);
    }

    /** The items of this list that are there, each with the path of its place in the file. */
    public List<Section> items() {
        List<Section> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Section item = new Section(problems, file, path + "[" + i + "]", node.get(i));
                if (!item.isMissing()) {
                    out.add(item);
                }
            }
        }
        return out;
    }

    /** The entries of this mapping, in file order. */
    public Map<String, Section> entries() {
        Map<String, Section> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            for (String key : node.propertyNames()) {
                out.put(key, at(key));
            }
        }
        return out;
    }

    /** This place without {@code keys}: what is left for a record that does not take them (a channel's own settings, without type). */
    public Section without(Set<String> keys) {
        if (node == null || !node.isObject()) {
            return this;
        }
        ObjectNode rest = ((ObjectNode) node).deepCopy();
        rest.remove(keys);
        return new Section(problems, file, path, rest);
    }

    /** The text written here, or null when it is a mapping, a list or nothing. */
    public String text() {
        return node != null && node.isValueNode() ? node.asString() : null;
    }

    /** What is written here, as it is, or null. */
    public JsonNode value() {
        return node;
    }

    /** What is written here, bound into {@code type}; null when nothing is. */
    public <T> T bind(Class<T> type) {
        return node == null ? null : Binding.read(node, type, this);
    }

    /** {@code defaults} with what is written here over it, key by key (mappings merge, lists and values replace). */
    public <T> T bind(Class<T> type, T defaults) {
        return node == null ? defaults : Binding.read(Binding.merge(Binding.tree(defaults), node), type, this);
    }

    public void problem(String message) {
        problems.add(file, path, message);
    }

    /** Whether a problem was already reported at this place: a value compared with one that was refused would invent a second mistake. */
    public boolean failed() {
        return problems.has(file, path);
    }

    public String file() {
        return file;
    }
}
