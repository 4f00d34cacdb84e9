package dev.mcpwatch.schema;

import dev.mcpwatch.schema.SchemaChange.Kind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The differences between two tool lists (arrays of tool definitions as servers list them), in
 * plain words: tools added, removed or renamed (a new name on an identical schema), and for each
 * tool kept its parameters (added, removed, type, required, enum values, other keywords, nested
 * objects and array items), output schema, annotations and wording. Pure: no I/O, same answer for
 * the same lists, in a stable order (tools by name, then top to bottom of each tool).
 */
public final class SchemaDiff {
    private static final int MAX_DEPTH = 16;
    /** Keywords a parameter diff looks at itself; every other keyword is a constraint. */
    private static final Set<String> HANDLED = Set.of("type", "enum", "description", "title", "properties", "required", "items");

    private enum Role { INPUT, OUTPUT }

    private final List<SchemaChange> out = new ArrayList<>();

    private SchemaDiff() {}

    public static List<SchemaChange> between(JsonNode before, JsonNode after) {
        SchemaDiff d = new SchemaDiff();
        d.lists(byName(before), byName(after));
        return List.copyOf(d.out);
    }

    private void lists(Map<String, JsonNode> before, Map<String, JsonNode> after) {
        Set<String> removed = new TreeSet<>(before.keySet());
        removed.removeAll(after.keySet());
        Set<String> added = new TreeSet<>(after.keySet());
        added.removeAll(before.keySet());
        for (Iterator<String> it = removed.iterator(); it.hasNext(); ) {
            String old = it.next();
            String twin = added.stream().filter(a -> signature(after.get(a)).equals(signature(before.get(old)))).findFirst().orElse(null);
            if (twin != null) {
                it.remove();
                added.remove(twin);
                add(Kind.TOOL_RENAMED, old, null, old, twin, true, "tool `" + old + "` was renamed to `" + twin + "` (same schema)");
            }
        }
        removed.forEach(r -> add(Kind.TOOL_REMOVED, r, null, null, null, true, "tool `" + r + "` was removed"));
        added.forEach(a -> add(Kind.TOOL_ADDED, a, null, null, null, false, "tool `" + a + "` was added"));
        for (String name : new TreeSet<>(before.keySet())) {
            if (after.containsKey(name)) {
                tool(name, before.get(name), after.get(name));
            }
        }
    }

    private void tool(String name, JsonNode before, JsonNode after) {
        for (String field : List.of("title", "description")) {
            if (!same(before.get(field), after.get(field))) {
                add(Kind.DESCRIPTION_CHANGED, name, null, text(before.get(field)), text(after.get(field)), false,
                        field + " of tool `" + name + "` changed");
            }
        }
        int mark = out.size();
        object(name, "", before.path("inputSchema"), after.path("inputSchema"), Role.INPUT, 0, true);
        output(name, before.get("outputSchema"), after.get("outputSchema"));
        annotations(name, before.path("annotations"), after.path("annotations"));
        boolean named = out.size() > mark;
        if (!named && !ToolFingerprint.of(before).equals(ToolFingerprint.of(after))) {
            // Something the walk does not name (a keyword inside a boolean schema, an odd shape):
            // never let a fingerprint change pass without a sentence.
            String where = firstDifference("", pick(before), pick(after));
            add(Kind.CONSTRAINT_CHANGED, name, where, null, null, false, "definition of tool `" + name + "` changed at `" + where + "`");
        }
    }

    private void output(String tool, JsonNode before, JsonNode after) {
        boolean had = before != null && !before.isNull();
        boolean has = after != null && !after.isNull();
        if (had && !has) {
            add(Kind.OUTPUT_SCHEMA_CHANGED, tool, null, null, null, true, "tool `" + tool + "` no longer declares an output schema");
        } else if (!had && has) {
            add(Kind.OUTPUT_SCHEMA_CHANGED, tool, null, null, null, false, "tool `" + tool + "` now declares an output schema");
        } else if (had) {
            object(tool, "", before, after, Role.OUTPUT, 0, true);
        }
    }

    private void annotations(String tool, JsonNode before, JsonNode after) {
        Set<String> keys = new TreeSet<>();
        before.propertyNames().forEach(keys::add);
        after.propertyNames().forEach(keys::add);
        for (String k : keys) {
            JsonNode b = before.get(k);
            JsonNode a = after.get(k);
            if (same(b, a)) {
                continue;
            }
            String sentence = b == null ? "tool `" + tool + "` now sets annotation `" + k + "` to " + CanonicalJson.write(a)
                    : a == null ? "tool `" + tool + "` no longer sets annotation `" + k + "` (was " + CanonicalJson.write(b) + ")"
                    : "annotation `" + k + "` of tool `" + tool + "` changed from " + CanonicalJson.write(b) + " to " + CanonicalJson.write(a);
            add(Kind.ANNOTATIONS_CHANGED, tool, k, b == null ? null : CanonicalJson.write(b), a == null ? null : CanonicalJson.write(a),
                    false, sentence);
        }
    }

    /**
     * The properties and required set of an object schema ({@code inputSchema}, an output schema, a
     * nested object), and with {@code ownKeywords} its other keywords (a nested object's are its
     * parameter's, already compared).
     */
    private void object(String tool, String prefix, JsonNode before, JsonNode after, Role role, int depth, boolean ownKeywords) {
        if (depth > MAX_DEPTH) {
            return;
        }
        JsonNode propsB = before.path("properties");
        JsonNode propsA = after.path("properties");
        Set<String> reqB = strings(before.path("required"));
        Set<String> reqA = strings(after.path("required"));
        Set<String> names = new TreeSet<>();
        propsB.propertyNames().forEach(names::add);
        propsA.propertyNames().forEach(names::add);
        for (String p : names) {
            String path = prefix.isEmpty() ? p : prefix + "." + p;
            JsonNode b = propsB.get(p);
            JsonNode a = propsA.get(p);
            if (a == null) {
                removedProperty(tool, path, role);
            } else if (b == null) {
                addedProperty(tool, path, reqA.contains(p), role);
            } else {
                if (reqB.contains(p) != reqA.contains(p)) {
                    required(tool, path, reqA.contains(p), role);
                }
                property(tool, path, b, a, role, depth + 1);
            }
        }
        // required entries naming no property at all still change what a client must send
        for (String r : new TreeSet<>(reqA)) {
            if (!reqB.contains(r) && !names.contains(r)) {
                required(tool, prefix.isEmpty() ? r : prefix + "." + r, true, role);
            }
        }
        if (ownKeywords) {
            keywords(tool, prefix, before, after, role, Set.of("type", "description", "title", "properties", "required"));
        }
    }

    private void property(String tool, String path, JsonNode before, JsonNode after, Role role, int depth) {
        if (!before.isObject() || !after.isObject()) {
            if (!same(before, after)) {
                add(role == Role.INPUT ? Kind.CONSTRAINT_CHANGED : Kind.OUTPUT_SCHEMA_CHANGED, tool, path, CanonicalJson.write(before),
                        CanonicalJson.write(after), false, "schema of " + thing(role, path, tool) + " changed from "
                        + CanonicalJson.write(before) + " to " + CanonicalJson.write(after));
            }
            return;
        }
        type(tool, path, before, after, role);
        enumValues(tool, path, before.get("enum"), after.get("enum"), role);
        for (String field : List.of("title", "description")) {
            if (!same(before.get(field), after.get(field))) {
                add(Kind.DESCRIPTION_CHANGED, tool, path, text(before.get(field)), text(after.get(field)), false,
                        field + " of " + thing(role, path, tool) + " changed");
            }
        }
        keywords(tool, path, before, after, role, HANDLED);
        if (before.has("properties") || after.has("properties")) {
            object(tool, path, before, after, role, depth, false);
        }
        JsonNode itemsB = before.get("items");
        JsonNode itemsA = after.get("items");
        if (itemsB != null && itemsA != null) {
            property(tool, path + "[]", itemsB, itemsA, role, depth + 1);
        } else if (itemsB != null || itemsA != null) {
            add(role == Role.INPUT ? Kind.CONSTRAINT_CHANGED : Kind.OUTPUT_SCHEMA_CHANGED, tool, path, text(itemsB), text(itemsA), false,
                    "items of " + thing(role, path, tool) + (itemsA == null ? " are no longer described" : " are now described"));
        }
    }

    private void type(String tool, String path, JsonNode before, JsonNode after, Role role) {
        Set<String> b = types(before);
        Set<String> a = types(after);
        if (b.equals(a)) {
            return;
        }
        // Accepting more is safe for what a client sends; promising more is not safe for what it reads.
        boolean widened = covers(a, b);
        boolean narrowed = covers(b, a);
        boolean breaking = role == Role.INPUT ? !widened : !narrowed;
        add(role == Role.INPUT ? Kind.TYPE_CHANGED : Kind.OUTPUT_SCHEMA_CHANGED, tool, path, words(b), words(a), breaking,
                thing(role, path, tool) + " changed type from " + words(b) + " to " + words(a));
    }

    private void enumValues(String tool, String path, JsonNode before, JsonNode after, Role role) {
        if (same(before, after)) {
            return;
        }
        if (before == null || after == null) {
            String sentence = thing(role, path, tool) + (after == null ? " no longer restricts its values to " + CanonicalJson.write(before)
                    : " now only accepts " + CanonicalJson.write(after));
            boolean breaking = role == Role.INPUT ? after != null : after == null;
            add(role == Role.INPUT ? Kind.ENUM_CHANGED : Kind.OUTPUT_SCHEMA_CHANGED, tool, path, text(before), text(after), breaking, sentence);
            return;
        }
        Set<String> b = canonicalItems(before);
        Set<String> a = canonicalItems(after);
        Set<String> gone = new TreeSet<>(b);
        gone.removeAll(a);
        Set<String> added = new TreeSet<>(a);
        added.removeAll(b);
        List<String> parts = new ArrayList<>();
        if (!gone.isEmpty()) {
            parts.add((role == Role.INPUT ? "no longer accepts " : "no longer returns ") + String.join(", ", gone));
        }
        if (!added.isEmpty()) {
            parts.add((role == Role.INPUT ? "now also accepts " : "may now return ") + String.join(", ", added));
        }
        if (parts.isEmpty()) {
            parts.add("lists its values in another order");
        }
        // A value removed breaks a client that sends it; a value added breaks one that reads only the old ones.
        boolean breaking = role == Role.INPUT ? !gone.isEmpty() : !added.isEmpty();
        add(role == Role.INPUT ? Kind.ENUM_CHANGED : Kind.OUTPUT_SCHEMA_CHANGED, tool, path, CanonicalJson.write(before),
                CanonicalJson.write(after), breaking, thing(role, path, tool) + " " + String.join(" and ", parts));
    }

    private void keywords(String tool, String path, JsonNode before, JsonNode after, Role role, Set<String> skip) {
        Set<String> keys = new TreeSet<>();
        before.propertyNames().forEach(keys::add);
        after.propertyNames().forEach(keys::add);
        for (String k : keys) {
            if (skip.contains(k) || same(before.get(k), after.get(k))) {
                continue;
            }
            String b = text(before.get(k));
            String a = text(after.get(k));
            String owner = path.isEmpty() ? (role == Role.INPUT ? "the input of tool `" + tool + "`" : "the output of tool `" + tool + "`")
                    : thing(role, path, tool);
            String sentence = b == null ? owner + " now has `" + k + "` " + a
                    : a == null ? owner + " no longer has `" + k + "` (was " + b + ")"
                    : "`" + k + "` of " + owner + " changed from " + b + " to " + a;
            add(role == Role.INPUT ? Kind.CONSTRAINT_CHANGED : Kind.OUTPUT_SCHEMA_CHANGED, tool, path.isEmpty() ? k : path + " " + k, b, a,
                    false, sentence);
        }
    }

    private void removedProperty(String tool, String path, Role role) {
        if (role == Role.INPUT) {
            // A client built for the old schema still sends it; a strict server now rejects the call.
            add(Kind.PARAMETER_REMOVED, tool, path, null, null, true, "parameter `" + path + "` was removed from tool `" + tool + "`");
        } else {
            add(Kind.OUTPUT_SCHEMA_CHANGED, tool, path, null, null, true, "output field `" + path + "` of tool `" + tool + "` was removed");
        }
    }

    private void addedProperty(String tool, String path, boolean required, Role role) {
        if (role == Role.INPUT) {
            add(Kind.PARAMETER_ADDED, tool, path, null, required ? "required" : "optional", required,
                    "tool `" + tool + "` has a new " + (required ? "required" : "optional") + " parameter `" + path + "`");
        } else {
            add(Kind.OUTPUT_SCHEMA_CHANGED, tool, path, null, null, false, "tool `" + tool + "` has a new output field `" + path + "`");
        }
    }

    private void required(String tool, String path, boolean nowRequired, Role role) {
        if (role == Role.INPUT) {
            add(Kind.REQUIRED_CHANGED, tool, path, nowRequired ? "optional" : "required", nowRequired ? "required" : "optional", nowRequired,
                    "parameter `" + path + "` of tool `" + tool + "` is " + (nowRequired ? "now required" : "no longer required"));
        } else {
            add(Kind.OUTPUT_SCHEMA_CHANGED, tool, path, nowRequired ? "optional" : "required", nowRequired ? "required" : "optional",
                    !nowRequired, "output field `" + path + "` of tool `" + tool + "` is " + (nowRequired ? "now always present"
                            : "no longer always present"));
        }
    }

    private void add(Kind kind, String tool, String subject, String from, String to, boolean breaking, String sentence) {
        out.add(new SchemaChange(kind, tool, subject, from, to, breaking, sentence));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String thing(Role role, String path, String tool) {
        return (role == Role.INPUT ? "parameter `" : "output field `") + path + "` of tool `" + tool + "`";
    }

    private static Map<String, JsonNode> byName(JsonNode tools) {
        Map<String, JsonNode> out = new TreeMap<>();
        if (tools != null && tools.isArray()) {
            for (JsonNode t : tools) {
                if (t.path("name").isString()) {
                    out.put(t.get("name").stringValue(), t);
                }
            }
        }
        return out;
    }

    /** What a rename keeps: everything the fingerprint covers except the name. */
    private static String signature(JsonNode tool) {
        ObjectNode rest = pick(tool);
        rest.remove("name");
        return CanonicalJson.write(rest);
    }

    private static ObjectNode pick(JsonNode tool) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (String f : List.of("name", "inputSchema", "outputSchema", "annotations")) {
            if (tool.get(f) != null && !tool.get(f).isNull()) {
                o.set(f, tool.get(f));
            }
        }
        return o;
    }

    private static String firstDifference(String path, JsonNode b, JsonNode a) {
        if (b != null && a != null && b.isObject() && a.isObject()) {
            Set<String> keys = new TreeSet<>();
            b.propertyNames().forEach(keys::add);
            a.propertyNames().forEach(keys::add);
            for (String k : keys) {
                if (!same(b.get(k), a.get(k))) {
                    return firstDifference(path.isEmpty() ? k : path + "." + k, b.get(k), a.get(k));
                }
            }
        }
        return path.isEmpty() ? "(root)" : path;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        boolean aMissing = a == null || a.isNull() || a.isMissingNode();
        boolean bMissing = b == null || b.isNull() || b.isMissingNode();
        if (aMissing || bMissing) {
            return aMissing == bMissing;
        }
        return CanonicalJson.write(a).equals(CanonicalJson.write(b));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : CanonicalJson.write(n);
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new TreeSet<>();
        if (array.isArray()) {
            array.forEach(n -> {
                if (n.isString()) {
                    out.add(n.stringValue());
                }
            });
        }
        return out;
    }

    private static Set<String> canonicalItems(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        if (array.isArray()) {
            array.forEach(n -> out.add(CanonicalJson.write(n)));
        }
        return out;
    }

    /** The JSON types a schema allows; empty means any. */
    private static Set<String> types(JsonNode schema) {
        JsonNode t = schema.get("type");
        Set<String> out = new TreeSet<>();
        if (t != null && t.isString()) {
            out.add(t.stringValue());
        } else if (t != null && t.isArray()) {
            t.forEach(x -> out.add(x.asString()));
        }
        return out;
    }

    /** Whether every value of {@code inner} is also a value of {@code outer} (any covers all; number covers integer). */
    private static boolean covers(Set<String> outer, Set<String> inner) {
        if (outer.isEmpty()) {
            return true;
        }
        if (inner.isEmpty()) {
            return false;
        }
        for (String t : inner) {
            if (!outer.contains(t) && !(t.equals("integer") && outer.contains("number"))) {
                return false;
            }
        }
        return true;
    }

    private static String words(Set<String> types) {
        return types.isEmpty() ? "any" : String.join(" or ", types);
    }
}
