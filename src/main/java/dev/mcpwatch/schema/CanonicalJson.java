package dev.mcpwatch.schema;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Canonical JSON: object keys sorted, no insignificant whitespace, numbers in one spelling
 * ({@code 1.0} and {@code 1} are the same number). Two documents that mean the same thing give the
 * same text, so their hashes can be compared.
 */
final class CanonicalJson {
    private CanonicalJson() {}

    public static String write(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString();
    }

    /**
     * The canonical JSON of an object holding only {@code sortedNames} of {@code node}'s properties
     * (those present and not null), as {@link #write} would give for that object, without building it.
     */
    static String writeFields(JsonNode node, List<String> sortedNames) {
        StringBuilder out = new StringBuilder(256);
        out.append('{');
        boolean first = true;
        for (String name : sortedNames) {
            JsonNode v = node.get(name);
            if (v != null && !v.isNull()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(name, out);
                out.append(':');
                write(v, out);
            }
        }
        return out.append('}').toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
            fields.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(fields.get(i).getKey(), out);
                out.append(':');
                write(fields.get(i).getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isString()) {
            string(node.stringValue(), out);
        } else if (node.isNumber()) {
            out.append(number(node.decimalValue()));
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else {
            string(node.asString(""), out);
        }
    }

    private static String number(BigDecimal value) {
        BigDecimal n = value.stripTrailingZeros();
        if (n.signum() == 0) {
            return "0";
        }
        // Plain notation for ordinary numbers; scientific for huge exponents, which plain would blow up.
        return n.scale() >= -20 && n.scale() <= 20 ? n.toPlainString() : n.toString();
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
