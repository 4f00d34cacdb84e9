package dev.mcpwatch.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * A place in a YAML document, read with types and a path: every read that goes wrong adds a
 * {@link Problem} naming the path and the reason, and returns a fallback, so one pass over a file
 * reports every mistake in it. Unknown keys are reported too, with the nearest known key.
 */
final class Node {

    private final JsonNode json;
    private final String path;
    private final Problems problems;

    Node(JsonNode json, String path, Problems problems) {
        this.json = json;
        this.path = path;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    boolean isMissing() {
        return json == null || json.isMissingNode() || json.isNull();
    }

    boolean has(String key) {
        return json != null && json.isObject() && json.has(key) && !json.get(key).isNull();
    }

    Node get(String key) {
        JsonNode child = json != null && json.isObject() ? json.get(key) : null;
        return new Node(child, path.isEmpty() ? key : path + "." + key, problems);
    }

    void problem(String message) {
        problems.add(path, message);
    }

    /** Whether a problem was already found at this place. */
    boolean hasProblem() {
        return problems.list().stream().anyMatch(p -> path.equals(p.path()));
    }

    /** Reports keys other than {@code allowed}, suggesting the closest allowed one. */
    void allowOnly(Set<String> allowed) {
        if (json == null || !json.isObject()) {
            return;
        }
        for (String key : json.propertyNames()) {
            if (!allowed.contains(key)) {
                String hint = closest(key, allowed);
                problems.add(path.isEmpty() ? key : path + "." + key,
                        "unknown setting" + (hint == null ? "" : " (did you mean " + hint + "?)")
                                + "; allowed here: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    boolean requireObject() {
        if (isMissing()) {
            return false;
        }
        if (!json.isObject()) {
            problem("must be a mapping of settings, got " + kind(json));
            return false;
        }
        return true;
    }

    String string(String key, String fallback) {
        Node n = get(key);
        if (n.isMissing()) {
            return fallback;
        }
        if (!n.json.isValueNode() || n.json.isBinary()) {
            n.problem("must be a text value, got " + kind(n.json));
            return fallback;
        }
        return n.json.asString();
    }

    String requiredString(String key) {
        String s = string(key, null);
        if (s == null || s.isBlank()) {
            if (!get(key).isMissing() && s != null) {
                get(key).problem("must not be empty");
            } else if (get(key).isMissing()) {
                get(key).problem("is required");
            }
            return null;
        }
        return s;
    }

    int integer(String key, int fallback, int min, int max) {
        Node n = get(key);
        if (n.isMissing()) {
            return fallback;
        }
        if (!n.json.isIntegralNumber() && !(n.json.isString() && n.json.asString().matches("-?\\d+"))) {
            n.problem("must be a whole number, got " + describe(n.json));
            return fallback;
        }
        // As a BigInteger: a number of twenty digits must be refused as out of range, not wrap around.
        java.math.BigInteger v = n.json.isIntegralNumber() ? n.json.bigIntegerValue() : new java.math.BigInteger(n.json.asString());
        if (v.compareTo(java.math.BigInteger.valueOf(min)) < 0 || v.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
            n.problem("must be between " + min + " and " + max + ", got " + v);
            return fallback;
        }
        return v.intValue();
    }

    boolean bool(String key, boolean fallback) {
        Node n = get(key);
        if (n.isMissing()) {
            return fallback;
        }
        if (n.json.isBoolean()) {
            return n.json.asBoolean();
        }
        if (n.json.isString() && (n.json.asString().equals("true") || n.json.asString().equals("false"))) {
            return Boolean.parseBoolean(n.json.asString());
        }
        n.problem("must be true or false, got " + describe(n.json));
        return fallback;
    }

    Duration duration(String key, Duration fallback) {
        Node n = get(key);
        if (n.isMissing()) {
            return fallback;
        }
        String text = n.json.isNumber() || n.json.isString() ? n.json.asString().strip() : null;
        try {
            return Durations.parse(text);
        } catch (Durations.OutOfRange e) {
            n.problem("must be at most " + Durations.MAX_TEXT + ", got " + describe(n.json));
            return fallback;
        } catch (IllegalArgumentException e) {
            n.problem("must be a duration like 30s, 5m or 500ms, got " + describe(n.json));
            return fallback;
        }
    }

    List<String> strings(String key, List<String> fallback) {
        Node n = get(key);
        if (n.isMissing()) {
            return fallback;
        }
        if (n.json.isString()) {
            return List.of(n.json.asString());
        }
        if (!n.json.isArray()) {
            n.problem("must be a list of text values, got " + kind(n.json));
            return fallback;
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        for (JsonNode item : n.json) {
            if (item.isValueNode() && !item.isNull()) {
                out.add(item.asString());
            } else {
                problems.add(n.path + "[" + i + "]", "must be a text value, got " + kind(item));
            }
            i++;
        }
        return out;
    }

    Map<String, String> stringMap(String key) {
        Node n = get(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (n.isMissing()) {
            return out;
        }
        if (!n.json.isObject()) {
            n.problem("must be a mapping of names to text values, got " + kind(n.json));
            return out;
        }
        for (Map.Entry<String, JsonNode> e : n.json.properties()) {
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                out.put(e.getKey(), e.getValue().asString());
            } else {
                problems.add(n.path + "." + e.getKey(), "must be a text value, got " + kind(e.getValue()));
            }
        }
        return out;
    }

    List<Node> list(String key) {
        return get(key).items();
    }

    /** The items of this list, each with its own path. */
    List<Node> items() {
        Node n = this;
        List<Node> out = new ArrayList<>();
        if (n.isMissing()) {
            return out;
        }
        if (!n.json.isArray()) {
            n.problem("must be a list, got " + kind(n.json));
            return out;
        }
        Iterator<JsonNode> it = n.json.iterator();
        for (int i = 0; it.hasNext(); i++) {
            out.add(new Node(it.next(), n.path + "[" + i + "]", problems));
        }
        return out;
    }

    /** The raw JSON at this place (for tool-call arguments), or null. */
    JsonNode raw() {
        return isMissing() ? null : json;
    }

    static String kind(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        return describe(n);
    }

    private static String describe(JsonNode n) {
        String s = n.isString() ? "'" + n.asString() + "'" : n.toString();
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static String closest(String key, Set<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String a : allowed) {
            int d = distance(key.toLowerCase(java.util.Locale.ROOT), a);
            if (d < bestDistance) {
                bestDistance = d;
                best = a;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Collects problems for one file. */
    static final class Problems {
        private final String file;
        private final List<Problem> list = new ArrayList<>();

        Problems(String file) {
            this.file = file;
        }

        void add(String path, String message) {
            list.add(new Problem(file, path, message));
        }

        List<Problem> list() {
            return list;
        }
    }
}
