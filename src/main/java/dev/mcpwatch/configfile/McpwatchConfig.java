package dev.mcpwatch.configfile;

import dev.mcpwatch.alert.AlertingConfig;
import dev.mcpwatch.canary.CanarySettings;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.reliability.Slo;
import dev.mcpwatch.runbook.RunbookSettings;
import java.util.List;
import java.util.Optional;

/** A whole, validated configuration: server, storage, monitors, alerting, the dashboard's settings, the canaries, the SLOs and the runbooks'. Immutable. */
public record McpwatchConfig(ServerSettings server, StorageSettings storage, List<MonitorConfig> monitors, String source,
        AlertingConfig alerting, WebSettings web, List<CanarySettings> canaries, List<Slo> slos,
        RunbookSettings runbooks) {

    public McpwatchConfig {
        monitors = List.copyOf(monitors);
        alerting = alerting == null ? AlertingConfig.NONE : alerting;
        web = web == null ? WebSettings.DEFAULT : web;
        canaries = canaries == null ? List.of() : List.copyOf(canaries);
        slos = slos == null ? List.of() : List.copyOf(slos);
        runbooks = runbooks == null ? RunbookSettings.DEFAULT : runbooks;
    }

    /** Without canaries and SLOs, with the built-in runbook pages only. */
    public McpwatchConfig(ServerSettings server, StorageSettings storage, List<MonitorConfig> monitors, String source,
            AlertingConfig alerting, WebSettings web) {
        this(server, storage, monitors, source, alerting, web, List.of(), List.of(), RunbookSettings.DEFAULT);
    }

    /** Without alerting, {@code web:} and {@code status_pages:}: no alerts, the dashboard's defaults, no status pages. */
    public McpwatchConfig(ServerSettings server, StorageSettings storage, List<MonitorConfig> monitors, String source) {
        this(server, storage, monitors, source, AlertingConfig.NONE, WebSettings.DEFAULT);
    }

    public McpwatchConfig(ServerSettings server, StorageSettings storage, List<MonitorConfig> monitors, String source,
            AlertingConfig alerting) {
        this(server, storage, monitors, source, alerting, WebSettings.DEFAULT);
    }

    public McpwatchConfig(ServerSettings server, StorageSettings storage, List<MonitorConfig> monitors, String source, WebSettings web) {
        this(server, storage, monitors, source, AlertingConfig.NONE, web);
    }

    /** The configuration of a server with no file: defaults and no monitors. */
    public static McpwatchConfig empty() {
        return new McpwatchConfig(ServerSettings.DEFAULT, StorageSettings.DEFAULT, List.of(), null);
    }

    /** The same configuration with other server settings (as {@code serve}'s options set them). */
    public McpwatchConfig withServer(ServerSettings next) {
        return new McpwatchConfig(next, storage, monitors, source, alerting, web, canaries, slos, runbooks);
    }

    /** The same configuration with other dashboard settings. */
    public McpwatchConfig withWeb(WebSettings next) {
        return new McpwatchConfig(server, storage, monitors, source, alerting, next, canaries, slos, runbooks);
    }

    public Optional<MonitorConfig> monitor(String id) {
        return monitors.stream().filter(m -> m.id().equals(id)).findFirst();
    }
}
