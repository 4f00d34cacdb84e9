package dev.mcpwatch.config;

import java.util.List;
import java.util.Optional;

/** A whole, validated configuration: server, storage, monitors, and the dashboard's settings. Immutable. */
public record McpwatchConfig(ServerSettings server, StorageSettings storage, List<MonitorConfig> monitors, String source, WebSettings web) {

    public McpwatchConfig {
        monitors = List.copyOf(monitors);
        web = web == null ? WebSettings.DEFAULT : web;
    }

    /** Without {@code web:} and {@code status_pages:}: the defaults, and no status pages. */
    public McpwatchConfig(ServerSettings server, StorageSettings storage, List<MonitorConfig> monitors, String source) {
        this(server, storage, monitors, source, WebSettings.DEFAULT);
    }

    /** The configuration of a server with no file: defaults and no monitors. */
    public static McpwatchConfig empty() {
        return new McpwatchConfig(ServerSettings.DEFAULT, StorageSettings.DEFAULT, List.of(), null);
    }

    /** The same configuration with other dashboard settings. */
    public McpwatchConfig withWeb(WebSettings next) {
        return new McpwatchConfig(server, storage, monitors, source, next);
    }

    public Optional<MonitorConfig> monitor(String id) {
        return monitors.stream().filter(m -> m.id().equals(id)).findFirst();
    }
}
