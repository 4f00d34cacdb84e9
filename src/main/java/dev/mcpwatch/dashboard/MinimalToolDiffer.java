package dev.mcpwatch.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A structural diff of two tool lists, by tool name: tools added and removed; for a tool in both,
 * top-level parameters added or removed, a parameter's type changed, a parameter becoming required
 * or optional, the output schema, annotations, title or description changed. Breaking: a removed
 * tool, a removed parameter, a type change, a new required parameter. Enough to read a change at a
 * glance; the drift detector's differ goes deeper (renames, nested schemas).
 */
public final class MinimalToolDiffer implements ToolDiffer {

    @Override
    public List<ToolChange> diff(JsonNode before, JsonNode after) {
        Map<String, JsonNode> a = byName(before);
        Map<String, JsonNode> b = byName(after);
        List<ToolChange> out = new ArrayList<>();
        for (String name : a.keySet()) {
            if (!b.containsKey(name)) {
                out.add(new ToolChange(name, "tool removed", "agents calling " + name + " will fail", true));
            }
        }
        for (Map.Entry<String, JsonNode> e : b.entrySet()) {
            JsonNode old = a.get(e.getKey());
            if (old == null) {
                out.add(new ToolChange(e.getKey(), "tool added", describe(e.getValue()), false));
            } else {
                compare(e.getKey(), old, e.getValue(), out);
            }
        }
        return out;
    }

    private static void compare(String tool, JsonNode old, JsonNode now, List<ToolChange> out) {
        JsonNode oldProps = old.path("inputSchema").path("properties");
        JsonNode newProps = now.path("inputSchema").path("properties");
        Set<String> oldRequired = strings(old.path("inputSchema").path("required"));
        Set<String> newRequired = strings(now.path("inputSchema").path("required"));
        Set<String> names = new LinkedHashSet<>(oldProps.propertyNames());
        names.addAll(newProps.propertyNames());
        for (String p : names) {
            JsonNode o = oldProps.get(p);
            JsonNode n = newProps.get(p);
            if (o == null) {
                boolean required = newRequired.contains(p);
                out.add(new ToolChange(tool, "parameter added", p + ": " + type(n) + (required ? " (required)" : " (optional)"), required));
            } else if (n == null) {
                out.add(new ToolChange(tool, "parameter removed", p + ": " + type(o), true));
            } else {
                if (!type(o).equals(type(n))) {
                    out.add(new ToolChange(tool, "type changed", p + ": " + type(o) + " → " + type(n), true));
                } else if (!o.equals(n)) {
                    out.add(new ToolChange(tool, "parameter changed", p + ": " + o + " → " + n, false));
                }
                if (oldRequired.contains(p) != newRequired.contains(p)) {
                    boolean nowRequired = newRequired.contains(p);
                    out.add(new ToolChange(tool, "required changed", p + (nowRequired ? " is now required" : " is now optional"), nowRequired));
                }
            }
        }
        JsonNode oldRest = withoutProperties(old.path("inputSchema"));
        JsonNode newRest = withoutProperties(now.path("inputSchema"));
        if (!Objects.equals(oldRest, newRest)) {
            out.add(new ToolChange(tool, "input schema changed", oldRest + " → " + newRest, false));
        }
        change(tool, "output schema changed", old.get("outputSchema"), now.get("outputSchema"), out);
        change(tool, "annotations changed", old.get("annotations"), now.get("annotations"), out);
        change(tool, "title changed", old.get("title"), now.get("title"), out);
        change(tool, "description changed", old.get("description"), now.get("description"), out);
    }

    private static void change(String tool, String kind, JsonNode old, JsonNode now, List<ToolChange> out) {
        if (!Objects.equals(old, now)) {
            out.add(new ToolChange(tool, kind, text(old) + " → " + text(now), false));
        }
    }

    private static JsonNode withoutProperties(JsonNode schema) {
        if (!schema.isObject()) {
            return schema;
        }
        var copy = schema.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) copy).remove(List.of("properties", "required"));
        return copy;
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "(none)";
        }
        return n.isString() ? "“" + n.asString() + "”" : n.toString();
    }

    static String type(JsonNode schema) {
        if (schema == null) {
            return "?";
        }
        JsonNode t = schema.get("type");
        return t == null ? "any" : t.isString() ? t.asString() : t.toString();
    }

    private static String describe(JsonNode tool) {
        JsonNode props = tool.path("inputSchema").path("properties");
        List<String> params = new ArrayList<>();
        for (var e : props.properties()) {
            params.add(e.getKey() + ": " + type(e.getValue()));
        }
        return params.isEmpty() ? "no parameters" : String.join(", ", params);
    }

    private static Map<String, JsonNode> byName(JsonNode list) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (list != null) {
            for (JsonNode t : list) {
                out.put(t.path("name").asString(""), t);
            }
        }
        return out;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode s : array) {
            out.add(s.asString());
        }
        return out;
    }
}
