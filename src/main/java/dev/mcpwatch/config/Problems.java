package dev.mcpwatch.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every problem of one load, in the order found. A place gets one problem: the first names the
 * mistake, and whatever a later check would say there is an echo of it.
 */
final class Problems {
    private final List<Problem> list = new ArrayList<>();
    private final Set<String> places = new HashSet<>();

    void add(String file, String path, String message) {
        if (places.add(place(file, path))) {
            list.add(new Problem(file, path, message));
        }
    }

    boolean has(String file, String path) {
        return places.contains(place(file, path));
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    List<Problem> list() {
        return list;
    }

    private static String place(String file, String path) {
        return file + "\u0000" + (path == null ? "" : path);
    }
}
