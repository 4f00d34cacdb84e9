package dev.mcpwatch.config;

import java.util.List;
import java.util.Optional;

/** A whole, validated configuration: server, storage and monitors. Immutable. */
public record McpwatchConfig(ServerSettings server, StorageSettings storage, List<MonitorConfig> monitors, String source) {

    public McpwatchConfig {
        monitors = List.copyOf(monitors);
    }

    /** The configuration of a server with no file: defaults and no monitors. */
    public static McpwatchConfig empty() {
        return new McpwatchConfig(ServerSettings.DEFAULT, StorageSettings.DEFAULT, List.of(), null);
    }

    public Optional<MonitorConfig> monitor(String id) {
        return monitors.stream().filter(m -> m.id().equals(id)).findFirst();
    }
}
