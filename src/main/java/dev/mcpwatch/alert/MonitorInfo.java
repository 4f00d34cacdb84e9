package dev.mcpwatch.alert;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.monitor.MonitorRegistry;
import dev.mcpwatch.probe.Transport;
import dev.mcpwatch.probe.Urls;
import dev.mcpwatch.store.MonitorStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What alerts say about a monitor: id, name, a URL safe to show (no user info, query values
 * replaced, a stdio command reduced to its program), tags and runbook. From the monitors in force,
 * or, for a monitor removed from the configuration, from its stored row.
 */
record MonitorInfo(String id, String name, String url, List<String> tags, String runbookUrl) {

    static MonitorInfo of(MonitorConfig m) {
        String url = m.transport() == Transport.STDIO ? "stdio: " + (m.command().isEmpty() ? "" : m.command().getFirst()) : Urls.redact(m.url());
        return new MonitorInfo(m.id(), m.name() == null ? m.id() : m.name(), url, m.tags(), m.runbookUrl());
    }

    static MonitorInfo lookup(Connection c, MonitorRegistry registry, String id) throws SQLException {
        MonitorConfig m = registry.get(id);
        if (m != null) {
            return of(m);
        }
        MonitorStore.MonitorRow row = new MonitorStore().get(c, id);
        if (row == null) {
            return new MonitorInfo(id, id, null, List.of(), null);
        }
        String runbook = row.config() == null ? null : row.config().path("runbook_url").asString(null);
        String url = "stdio".equals(row.transport()) ? "stdio" : Urls.redact(row.target());
        return new MonitorInfo(row.id(), row.name(), url, row.tags(), runbook);
    }
}
