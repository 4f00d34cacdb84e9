package dev.mcpwatch.config;

import dev.mcpwatch.alert.AlertingConfig;
import java.util.List;
import java.util.Optional;

/** A whole, validated configuration: server, storage, monitors and alerting. Immutable. */
public record McpwatchConfig(ServerSettings server, StorageSettings storage, List<MonitorConfig> monitors, String source,
        AlertingConfig alerting) {

    public McpwatchConfig {
        monitors = List.copyOf(monitors);
        alerting = alerting == null ? AlertingConfig.NONE : alerting;
    }

    /** A configuration without alerting. */
    public McpwatchConfig(ServerSettings server, StorageSettings storage, List<MonitorConfig> monitors, String source) {
        this(server, storage, monitors, source, AlertingConfig.NONE);
    }

    /** The configuration of a server with no file: defaults and no monitors. */
    public static McpwatchConfig empty() {
        return new McpwatchConfig(ServerSettings.DEFAULT, StorageSettings.DEFAULT, List.of(), null);
    }

    public Optional<MonitorConfig> monitor(String id) {
        return monitors.stream().filter(m -> m.id().equals(id)).findFirst();
    }
}
