package dev.mcpwatch.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small builders for the tools' JSON Schemas. A field that may be absent in mcpwatch's data (a monitor
 * never probed, an incident not yet resolved) is typed {@code ["string", "null"]} and so on, so a
 * client that validates structured results against the output schema accepts every real answer.
 */
final class Schemas {
    private Schemas() {}

    /** An object with these properties (name, schema pairs), of which {@code required} must be present. */
    static Map<String, Object> object(List<String> required, Object... properties) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            props.put((String) properties[i], properties[i + 1]);
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "object");
        s.put("properties", props);
        if (!required.isEmpty()) {
            s.put("required", required);
        }
        return s;
    }

    static Map<String, Object> type(String type, String description) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", type);
        if (description != null) {
            s.put("description", description);
        }
        return s;
    }

    /** {@code type} or null. */
    static Map<String, Object> nullable(String type) {
        return Map.of("type", List.of(type, "null"));
    }

    static Map<String, Object> nullable(Map<String, Object> schema) {
        Map<String, Object> s = new LinkedHashMap<>(schema);
        Object t = s.get("type");
        List<Object> types = new ArrayList<>();
        if (t instanceof List<?> l) {
            types.addAll(l);
        } else {
            types.add(t);
        }
        types.add("null");
        s.put("type", types);
        return s;
    }

    static Map<String, Object> oneOf(String description, List<String> values) {
        Map<String, Object> s = type("string", description);
        s.put("enum", values);
        return s;
    }

    static Map<String, Object> array(Map<String, Object> items) {
        return Map.of("type", "array", "items", items);
    }

    static Map<String, Object> anyObject() {
        return Map.of("type", "object");
    }
}
