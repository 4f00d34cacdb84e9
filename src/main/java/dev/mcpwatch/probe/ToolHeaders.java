package dev.mcpwatch.probe;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The {@code x-mcp-header} rules of 2026-07-28 (SEP-2243): which tool definitions a streamable HTTP
 * client must reject, and the {@code Mcp-Param-*} headers it must send for a call. An annotation is
 * valid only on a property reached from the schema root through {@code properties} keys alone, of
 * type string, integer or boolean, with a non-empty token name unique (ignoring case) in the schema.
 */
final class ToolHeaders {
    /** Deeper than this a schema is not walked; an annotation hidden below counts as invalid. */
    private static final int MAX_DEPTH = 32;
    private static final Set<String> PRIMITIVES = Set.of("string", "integer", "boolean");

    private ToolHeaders() {}

    /** Why a client must reject this tool's input schema, or null when its annotations are valid. */
    static String problem(JsonNode inputSchema) {
        Walk walk = new Walk();
        walk.visit(inputSchema, true, "", 0);
        return walk.problem;
    }

    /**
     * The {@code Mcp-Param-*} headers for a call with {@code args}: the value at each annotated
     * property's path, encoded; a value that is absent or null sends no header.
     */
    static Map<String, String> headers(JsonNode inputSchema, JsonNode args) {
        Map<String, String> out = new LinkedHashMap<>();
        collect(inputSchema, args, out, 0);
        return out;
    }

    private static void collect(JsonNode schema, JsonNode args, Map<String, String> out, int depth) {
        if (depth > MAX_DEPTH || !schema.path("properties").isObject() || args == null || !args.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> prop : schema.get("properties").properties()) {
            JsonNode value = args.get(prop.getKey());
            String name = prop.getValue().path("x-mcp-header").stringValue(null);
            if (name != null && value != null && !value.isNull()) {
                String text = value.isString() ? value.stringValue()
                        : value.isIntegralNumber() || value.isBoolean() ? value.asString() : null;
                if (text != null) {
                    out.put("Mcp-Param-" + name, RequestShape.headerValue(text));
                }
            }
            collect(prop.getValue(), value, out, depth + 1);
        }
    }

    /** A walk over the whole schema that keeps the first problem found. */
    private static final class Walk {
        private final Set<String> names = new HashSet<>();
        private String problem;

        /** {@code reachable}: this node is the root or a property reached through {@code properties} keys only. */
        void visit(JsonNode node, boolean reachable, String path, int depth) {
            if (problem != null || node == null) {
                return;
            }
            if (depth > MAX_DEPTH) {
                if (node.toString().contains("\"x-mcp-header\"")) {
                    problem = "x-mcp-header nested deeper than " + MAX_DEPTH + " levels";
                }
                return;
            }
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    visit(node.get(i), false, path + "/" + i, depth + 1);
                }
                return;
            }
            if (!node.isObject()) {
                return;
            }
            if (node.has("x-mcp-header")) {
                check(node, reachable, path.isEmpty() ? "/" : path);
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String key = e.getKey();
                if (key.equals("properties") && e.getValue().isObject()) {
                    for (Map.Entry<String, JsonNode> prop : e.getValue().properties()) {
                        visit(prop.getValue(), reachable, path + "/properties/" + prop.getKey(), depth + 2);
                    }
                } else if (!key.equals("x-mcp-header")) {
                    visit(e.getValue(), false, path + "/" + key, depth + 1);
                }
            }
        }

        private void check(JsonNode property, boolean reachable, String path) {
            JsonNode value = property.get("x-mcp-header");
            String at = " at " + Text.clip(path, 80);
            if (!reachable) {
                problem = "x-mcp-header" + at + " is not reached through properties alone (it must not sit under items, "
                        + "a composition, a condition, $defs or $ref)";
            } else if (!value.isString() || value.stringValue().isEmpty()) {
                problem = "x-mcp-header" + at + " is empty or not a string";
            } else if (!isToken(value.stringValue())) {
                problem = "x-mcp-header '" + Text.clip(value.stringValue(), 40) + "'" + at + " is not an HTTP token "
                        + "(no spaces, colons, control or non-ASCII characters)";
            } else if (!names.add(value.stringValue().toLowerCase(Locale.ROOT))) {
                problem = "x-mcp-header '" + value.stringValue() + "'" + at + " is used twice (names are compared ignoring case)";
            } else if (!primitive(property.get("type"))) {
                problem = "x-mcp-header '" + value.stringValue() + "'" + at + " is on a property of type "
                        + Text.clip(String.valueOf(property.get("type")), 40) + "; only string, integer and boolean are allowed";
            }
        }
    }

    private static boolean primitive(JsonNode type) {
        if (type == null) {
            return false;
        }
        if (type.isString()) {
            return PRIMITIVES.contains(type.stringValue());
        }
        if (type.isArray()) {
            List<String> kinds = new java.util.ArrayList<>();
            for (JsonNode t : type) {
                if (!t.isString()) {
                    return false;
                }
                kinds.add(t.stringValue());
            }
            return kinds.stream().anyMatch(PRIMITIVES::contains) && kinds.stream().allMatch(k -> PRIMITIVES.contains(k) || k.equals("null"));
        }
        return false;
    }

    /** RFC 9110 §5.6.2 token: one or more tchar. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}
