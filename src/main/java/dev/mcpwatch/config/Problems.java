package dev.mcpwatch.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Every problem of one load, in the order found. A place gets one problem: the first names the
 * mistake, and whatever a later check would say there is an echo of it.
 */
public final class Problems {
    private final List<Problem> list = new ArrayList<>();
    private final Set<String> places = new HashSet<>();

    public void add(String file, String path, String message) {
        if (places.add(place(file, path))) {
            list.add(new Problem(file, path, message));
        }
    }

    public boolean has(String file, String path) {
        return places.contains(place(file, path));
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<Problem> list() {
        return list;
    }

    /**
     * The problems in the order a person reads the files: file by file as loaded, and within a file
     * by where the value is written (a key that is missing sorts after its written siblings).
     */
    public List<Problem> inFileOrder(List<String> files, Map<String, JsonNode> documents) {
        Map<Problem, List<Integer>> keys = new HashMap<>();
        for (Problem p : list) {
            List<Integer> key = new ArrayList<>();
            key.add(files.contains(p.file()) ? files.indexOf(p.file()) : files.size());
            position(documents.get(p.file()), p.path() == null ? "" : p.path(), key);
            keys.put(p, key);
        }
        List<Problem> sorted = new ArrayList<>(list);
        sorted.sort((a, b) -> compare(keys.get(a), keys.get(b)));
        return sorted;
    }

    /** Appends the index of each step of {@code path} in the document: a key's place in its mapping, an item's in its list. */
    private static void position(JsonNode node, String path, List<Integer> key) {
        String rest = path;
        while (!rest.isEmpty() && node != null) {
            if (rest.startsWith("[")) {
                int end = rest.indexOf(']');
                int index = Integer.parseInt(rest.substring(1, end));
                key.add(index);
                node = node.isArray() ? node.get(index) : null;
                rest = rest.substring(end + 1);
            } else {
                String step = rest.startsWith(".") ? rest.substring(1) : rest;
                String name = null;
                int i = 0;
                int at = Integer.MAX_VALUE;
                if (node.isObject()) {
                    for (String k : node.propertyNames()) {
                        boolean here = step.equals(k) || step.startsWith(k + ".") || step.startsWith(k + "[");
                        if (here && (name == null || k.length() > name.length())) {
                            name = k;
                            at = i;
                        }
                        i++;
                    }
                }
                key.add(at);
                if (name == null) {
                    return;
                }
                node = node.get(name);
                rest = step.substring(name.length());
            }
        }
    }

    private static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static String place(String file, String path) {
        return file + "\u0000" + (path == null ? "" : path);
    }
}
