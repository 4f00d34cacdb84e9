package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The monitors in force right now. Replaced whole on each configuration (re)load; read by every probe. */
public final class MonitorRegistry {

    /** What a replacement changed. */
    public record Diff(List<MonitorConfig> added, List<MonitorConfig> changed, List<String> removed) {
        public boolean isEmpty() {
            return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
        }
    }

    private volatile Map<String, MonitorConfig> monitors = Map.of();

    public MonitorConfig get(String id) {
        return monitors.get(id);
    }

    public Collection<MonitorConfig> all() {
        return monitors.values();
    }

    public int size() {
        return monitors.size();
    }

    public synchronized Diff replace(List<MonitorConfig> next) {
        Map<String, MonitorConfig> before = monitors;
        Map<String, MonitorConfig> after = new LinkedHashMap<>();
        List<MonitorConfig> added = new ArrayList<>();
        List<MonitorConfig> changed = new ArrayList<>();
        for (MonitorConfig m : next) {
            after.put(m.id(), m);
            MonitorConfig old = before.get(m.id());
            if (old == null) {
                added.add(m);
            } else if (!old.equals(m)) {
                changed.add(m);
            }
        }
        List<String> removed = before.keySet().stream().filter(id -> !after.containsKey(id)).toList();
        monitors = Map.copyOf(after);
        return new Diff(added, changed, removed);
    }
}
