package dev.mcpwatch.configfile;


import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;
import dev.mcpwatch.config.Binding;
import dev.mcpwatch.config.Problems;
import dev.mcpwatch.probe.Transport;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One document checked against {@link ConfigSchema}: networknt finds what is wrong, this turns each
 * error into the problem an operator reads (the path in the file, what the value must be, what it
 * is, the nearest allowed key for a misspelled one) and takes the refused value out of the
 * document, so that binding and the checks after it see only values that passed.
 *
 * <p>Text from YAML is loose about types, as people are: {@code port: "8080"} or a port read from
 * {@code ${API_PORT}} is a number, {@code X-Version: 2} is text, {@code transport: SSE} is the name
 * {@code sse}, and {@code key:} with nothing after it is not set. Those values are put in the type the schema asks for, and the document is checked
 * once more.
 */
final class SchemaCheck {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SchemaCheck() {}

    static void check(JsonNode document, String file, Problems problems) {
        List<Error> errors = ConfigSchema.validate(document);
        if (!errors.isEmpty() && loosen(document, errors)) {
            errors = ConfigSchema.validate(document);
        }
        List<Reported> refused = new ArrayList<>();
        for (Error e : errors) {
            Reported r = report(e);
            problems.add(file, r.path(), r.message());
            if (r.refused() != null) {
                refused.add(r);
            }
        }
        // Last first, so that dropping a list item does not move the ones still to drop.
        for (Reported r : refused.reversed()) {
            remove(document, r.refused(), r.holdsPlace());
        }
    }

    /**
     * @param refused where the refused value is, or null when nothing is there (a required key)
     * @param holdsPlace whether a refused list item leaves an empty place: items that are mappings
     *                   keep their index, which later problems name; a text item is just dropped
     */
    private record Reported(String path, String message, NodePath refused, boolean holdsPlace) {
        Reported(String path, String message, NodePath refused) {
            this(path, message, refused, true);
        }
    }

    // ---- what a person means by a value ------------------------------------------------------

    /** Puts values in the type the schema asks for; true when any changed. */
    private static boolean loosen(JsonNode document, List<Error> errors) {
        boolean changed = false;
        for (Error e : errors) {
            JsonNode schema = owner(e);
            JsonNode value = e.getInstanceNode();
            Set<String> types = types(schema);
            if (e.getKeyword().equals("type") && (value == null || value.isNull()) && !schema.has("x-missing")
                    && parentIsObject(document, e.getInstanceLocation())) {
                remove(document, e.getInstanceLocation(), true);
                changed = true;
            } else if (e.getKeyword().equals("type") && value != null && (value.isNumber() || value.isBoolean()) && types.contains("string")) {
                changed |= replace(document, e.getInstanceLocation(), NODES.stringNode(value.asString()));
            } else if (e.getKeyword().equals("enum") && value != null && value.isString() && contains(schema.get("enum"), lower(value))) {
                changed |= replace(document, e.getInstanceLocation(), NODES.stringNode(lower(value)));
            } else if (e.getKeyword().equals("pattern") && value != null && value.isString()) {
                JsonNode typed = typed(value.asString().strip(), types);
                if (typed != null) {
                    changed |= replace(document, e.getInstanceLocation(), typed);
                }
            }
        }
        return changed;
    }

    private static String lower(JsonNode text) {
        return text.asString().strip().toLowerCase(Locale.ROOT);
    }

    private static boolean contains(JsonNode values, String value) {
        for (JsonNode v : values) {
            if (v.asString().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode typed(String text, Set<String> types) {
        if (types.contains("integer") && text.matches("-?\\d+")) {
            // As a BigInteger: twenty digits are out of range, not a long that wrapped around.
            return NODES.numberNode(new BigInteger(text));
        }
        if (types.contains("number") && text.matches("-?\\d+(\\.\\d+)?")) {
            return NODES.numberNode(Double.parseDouble(text));
        }
        if (types.contains("boolean") && (text.equals("true") || text.equals("false"))) {
            return NODES.booleanNode(Boolean.parseBoolean(text));
        }
        return null;
    }

    // ---- messages ----------------------------------------------------------------------------

    private static Reported report(Error e) {
        NodePath at = e.getInstanceLocation();
        String path = path(at);
        JsonNode schema = owner(e);
        String property = e.getProperty();
        switch (e.getKeyword()) {
            case "required" -> {
                JsonNode p = resolve(schema.path("properties").path(property));
                return new Reported(join(path, property), p.has("x-missing") ? p.get("x-missing").asString() : "is required", null);
            }
            case "additionalProperties" -> {
                Set<String> allowed = new TreeSet<>();
                schema.path("properties").propertyNames().forEach(allowed::add);
                String hint = Suggestions.closest(property, allowed);
                return new Reported(join(path, property), "unknown setting" + (hint == null ? "" : " (did you mean " + hint + "?)")
                        + "; allowed here: " + String.join(", ", allowed), at.append(property));
            }
            case "propertyNames" -> {
                String message = schema.path("propertyNames").path("errorMessage").asString("is not an allowed name");
                return new Reported(join(path, property), message, at.append(property));
            }
            case "minItems" -> {
                JsonNode p = resolve(schema);
                String message = p.has("x-missing") ? p.get("x-missing").asString() : schema.path("errorMessage").asString("must not be empty");
                return new Reported(path, message, at);
            }
            default -> {
                String def = definition(e);
                String message = message(e.getKeyword(), def, schema, e.getInstanceNode());
                // A name from a fixed set, in a list: the list is the place to fix (severity: [P1, P0]).
                boolean atList = "severity".equals(def) && at.getElement(at.getNameCount() - 1) instanceof Integer;
                Set<String> types = types(schema);
                return new Reported(atList ? path(at.getParent()) : path, message, at,
                        types.contains("object") || types.contains("array") || schema.has("x-missing"));
            }
        }
    }

    private static String message(String keyword, String def, JsonNode schema, JsonNode value) {
        boolean secret = schema.path("writeOnly").asBoolean(false);
        if (keyword.equals("type") && (value == null || value.isNull()) && schema.has("x-missing")) {
            return schema.get("x-missing").asString();
        }
        // The few messages that are not "errorMessage, got value", kept word for word from before the schema.
        if (def != null) {
            switch (def) {
                case "monitor_id", "slug" -> {
                    return schema.get("errorMessage").asString() + "; got " + Binding.describe(value);
                }
                case "transport" -> {
                    try {
                        Transport.fromWireName(value.asString());
                    } catch (IllegalArgumentException e) {
                        return e.getMessage();
                    }
                }
                case "share" -> {
                    if (keyword.equals("maximum")) {
                        return "write a share as a percentage or a fraction, e.g. " + value.asString() + "% or " + value.asDouble() / 100
                                + "; got " + value.asString();
                    }
                }
                default -> { }
            }
        }
        if (schema.has("errorMessage")) {
            return schema.get("errorMessage").asString() + got(value, secret);
        }
        Set<String> types = types(schema);
        return switch (keyword) {
            case "type", "pattern" -> kind(types) + got(value, secret);
            case "enum" -> "must be one of " + String.join(", ", values(schema.get("enum"))) + got(value, secret);
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" -> range(schema, types, value);
            default -> "is not valid" + got(value, secret);
        };
    }

    /** What a value of these types must be, for a value of another type. */
    private static String kind(Set<String> types) {
        if (types.contains("object")) {
            return "must be a mapping of settings";
        }
        if (types.contains("array")) {
            return "must be a list";
        }
        if (types.contains("boolean")) {
            return "must be true or false";
        }
        if (types.contains("integer")) {
            return "must be a whole number";
        }
        if (types.contains("number")) {
            return "must be a number";
        }
        return types.contains("string") ? "must be a text value" : "is not valid";
    }

    private static String range(JsonNode schema, Set<String> types, JsonNode value) {
        boolean whole = types.contains("integer") && !types.contains("number");
        JsonNode min = schema.get("minimum");
        JsonNode max = schema.get("maximum");
        String got = ", got " + (value.isIntegralNumber() ? value.bigIntegerValue().toString() : number(value, whole));
        if (min != null && max != null) {
            return "must be between " + number(min, whole) + " and " + number(max, whole) + got;
        }
        return min != null ? "must be at least " + number(min, whole) + got : "must be at most " + number(max, whole) + got;
    }

    private static String number(JsonNode n, boolean whole) {
        return whole ? Long.toString(n.asLong()) : Double.toString(n.asDouble());
    }

    /** ", got …": the value as written, or what it is when it is a mapping, a list or nothing; a secret is never repeated. */
    private static String got(JsonNode value, boolean secret) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return ", got nothing";
        }
        if (value.isObject()) {
            return ", got a mapping";
        }
        if (value.isArray()) {
            return ", got a list";
        }
        return secret ? "" : ", got " + Binding.describe(value);
    }


    private static List<String> values(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asString()));
        return out;
    }

    // ---- the schema at an error ------------------------------------------------------------------

    /** The schema object holding the keyword that failed. */
    private static JsonNode owner(Error e) {
        NodePath keyword = e.getSchemaLocation().getFragment();
        return at(ConfigSchema.json(), keyword.getParent());
    }

    /** The shared definition the failing keyword belongs to ({@code duration} for {@code #/$defs/duration/pattern}), or null. */
    private static String definition(Error e) {
        NodePath f = e.getSchemaLocation().getFragment();
        return f.getNameCount() == 3 && "$defs".equals(f.getName(0)) ? f.getName(1) : null;
    }

    /** A property's schema, or the definition it refers to when it has no message of its own. */
    private static JsonNode resolve(JsonNode schema) {
        if (!schema.has("x-missing") && schema.path("$ref").asString("").startsWith("#/$defs/")) {
            return ConfigSchema.json().path("$defs").path(schema.get("$ref").asString().substring("#/$defs/".length()));
        }
        return schema;
    }

    /** The types a schema allows, looking through a reference when it gives none itself. */
    private static Set<String> types(JsonNode schema) {
        Set<String> out = new HashSet<>();
        JsonNode type = schema.has("type") ? schema.get("type") : resolve(schema).get("type");
        if (type != null && type.isArray()) {
            type.forEach(t -> out.add(t.asString()));
        } else if (type != null) {
            out.add(type.asString());
        }
        return out;
    }

    private static JsonNode at(JsonNode root, NodePath path) {
        JsonNode n = root;
        for (int i = 0; path != null && i < path.getNameCount() && n != null; i++) {
            Object element = path.getElement(i);
            n = element instanceof Integer index ? n.get(index) : n.get(String.valueOf(element));
        }
        return n == null ? JsonNodeFactory.instance.missingNode() : n;
    }

    // ---- the document ----------------------------------------------------------------------------

    static String path(NodePath at) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; at != null && i < at.getNameCount(); i++) {
            Object element = at.getElement(i);
            if (element instanceof Integer index) {
                s.append('[').append(index).append(']');
            } else {
                s.append(s.isEmpty() ? "" : ".").append(element);
            }
        }
        return s.toString();
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static boolean parentIsObject(JsonNode document, NodePath at) {
        return at.getNameCount() > 0 && at(document, at.getParent()).isObject();
    }

    private static boolean replace(JsonNode document, NodePath at, JsonNode value) {
        if (at.getNameCount() == 0) {
            return false;
        }
        JsonNode parent = at(document, at.getParent());
        Object last = at.getElement(at.getNameCount() - 1);
        if (parent instanceof ObjectNode o) {
            o.set(String.valueOf(last), value);
            return true;
        }
        if (parent instanceof ArrayNode a && last instanceof Integer i) {
            a.set(i, value);
            return true;
        }
        return false;
    }

    /** Takes a refused value out: a setting is then unset; a list item is dropped, or left empty where it holds its place. */
    private static void remove(JsonNode document, NodePath at, boolean holdsPlace) {
        if (at.getNameCount() == 0) {
            if (document instanceof ObjectNode o) {
                o.removeAll();
            }
            return;
        }
        JsonNode parent = at(document, at.getParent());
        Object last = at.getElement(at.getNameCount() - 1);
        if (parent instanceof ObjectNode o) {
            o.remove(String.valueOf(last));
        } else if (parent instanceof ArrayNode a && last instanceof Integer i && i < a.size()) {
            if (holdsPlace) {
                a.set(i, NODES.nullNode());
            } else {
                a.remove(i);
            }
        }
    }
}
