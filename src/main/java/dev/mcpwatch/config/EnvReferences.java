package dev.mcpwatch.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Finds {@code ${…}} references in a definition that came through the API. Only the configuration
 * file may read the server's environment: a reference posted through the API would copy a secret of
 * the server into a page or an answer. Each one found is a problem naming its path.
 */
public final class EnvReferences {
    private EnvReferences() {}

    /**
     * Adds "PATH: MESSAGE" to {@code problems} for every string under {@code node} that holds
     * {@code ${}, except below the top-level keys in {@code allowed} (a monitor's header values).
     */
    public static void refuse(JsonNode node, Set<String> allowed, String message, List<String> problems) {
        walk(node, "", allowed, message, problems);
    }

    private static void walk(JsonNode node, String path, Set<String> allowed, String message, List<String> problems) {
        if (allowed.contains(path)) {
            return;
        }
        if (node.isString() && node.asString().contains("${")) {
            problems.add(path + ": " + message);
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                walk(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), allowed, message, problems);
            }
        } else if (node.isArray()) {
            int i = 0;
            for (JsonNode item : node) {
                walk(item, path + "[" + i++ + "]", allowed, message, problems);
            }
        }
    }
}
