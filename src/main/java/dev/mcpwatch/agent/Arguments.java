package dev.mcpwatch.agent;

import java.util.List;
import java.util.Map;

/** A tool call's arguments, read with a sentence naming the argument when one will not do. */
final class Arguments {
    private final Map<String, Object> values;

    Arguments(Map<String, Object> values) {
        this.values = values == null ? Map.of() : values;
    }

    String text(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(name + " must be a string, got " + v);
        }
        return s.isBlank() ? null : s;
    }

    String requiredText(String name) {
        String v = text(name);
        if (v == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }

    String oneOf(String name, List<String> allowed) {
        String v = text(name);
        if (v != null && !allowed.contains(v)) {
            throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + "; got '" + v + "'");
        }
        return v;
    }

    Long number(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        if (v instanceof String s && s.matches("\\d{1,18}")) {
            return Long.parseLong(s);
        }
        throw new IllegalArgumentException(name + " must be a whole number, got " + v);
    }

    long requiredNumber(String name) {
        Long v = number(name);
        if (v == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return v;
    }

    /** A page size, 1 to 500, {@code fallback} when not given. */
    int limit(int fallback) {
        Long v = number("limit");
        if (v == null) {
            return fallback;
        }
        if (v < 1 || v > 500) {
            throw new IllegalArgumentException("limit must be between 1 and 500, got " + v);
        }
        return v.intValue();
    }
}
