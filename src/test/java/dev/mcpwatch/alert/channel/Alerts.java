package dev.mcpwatch.alert.channel;

import dev.mcpwatch.alert.AlertingConfig;
import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.configfile.ConfigLoader;
import java.util.List;
import java.util.Map;

/** Sample alerts with every field set, and channels read from YAML the way a user writes them. */
final class Alerts {
    private Alerts() {}

    static Alert opened() {
        return new Alert("incident.opened", "mcpwatch:weather:incident:17", 17L, "open", "[P1] Weather MCP is down: connection_refused (tcp layer)",
                "Connection refused to 127.0.0.1:443", new Alert.Monitor("weather", "Weather MCP", "https://weather.example.com/mcp?key=(redacted)",
                        List.of("prod", "team-weather")), "P1", null,
                new Alert.Failure("tcp", "connection_refused", "connect", "Connection refused to 127.0.0.1:443"), 3, List.of("eu-west"),
                "2026-11-21T10:00:00Z", "2026-11-21T10:00:20Z", null, null, 20_000L, null, null, null,
                "https://wiki.example.com/runbooks/weather", "https://status.example.com/monitors/weather",
                "https://status.example.com/status/weather", "https://status.example.com/ack/17.1763800000.c2ln", null, "2026-11-21T10:00:20Z");
    }

    static Alert acknowledged() {
        Alert o = opened();
        return new Alert("incident.acknowledged", o.dedupKey(), o.incidentId(), "acknowledged", "[P1] Weather MCP acknowledged by alice",
                o.message(), o.monitor(), o.severity(), null, o.failure(), o.consecutiveFailures(), o.locations(), o.startedAt(),
                o.detectedAt(), "2026-11-21T10:02:00Z", null, 120_000L, "alice", null, null, o.runbookUrl(), o.dashboardUrl(),
                o.statusPageUrl(), null, null, "2026-11-21T10:02:00Z");
    }

    static Alert resolved() {
        Alert o = opened();
        return new Alert("incident.resolved", o.dedupKey(), o.incidentId(), "resolved", "[P1] Weather MCP recovered after 5m 0s",
                o.message(), o.monitor(), o.severity(), null, o.failure(), o.consecutiveFailures(), o.locations(), o.startedAt(),
                o.detectedAt(), "2026-11-21T10:02:00Z", "2026-11-21T10:05:00Z", 300_000L, null, "recovered", null, o.runbookUrl(),
                o.dashboardUrl(), o.statusPageUrl(), null, null, "2026-11-21T10:05:00Z");
    }

    static Alert severityRaised() {
        Alert o = opened();
        return new Alert("incident.severity_changed", o.dedupKey(), o.incidentId(), "open", "[P1] Weather MCP: severity P2 → P1",
                o.message(), o.monitor(), "P1", "P2", o.failure(), 5, o.locations(), o.startedAt(), o.detectedAt(), null, null, 60_000L, null,
                null, null, o.runbookUrl(), o.dashboardUrl(), o.statusPageUrl(), o.ackUrl(), null, "2026-11-21T10:01:00Z");
    }

    /** An alert whose server-supplied message tries to ping everyone. */
    static Alert hostile() {
        Alert o = opened();
        String message = "<!channel> @everyone <script>alert(1)</script> & more";
        return new Alert(o.event(), o.dedupKey(), o.incidentId(), o.status(), o.summary(), message, o.monitor(), o.severity(), null,
                new Alert.Failure("http", "http_error", "initialize", message), o.consecutiveFailures(), o.locations(), o.startedAt(),
                o.detectedAt(), null, null, o.durationMs(), null, null, null, o.runbookUrl(), o.dashboardUrl(), o.statusPageUrl(),
                o.ackUrl(), null, o.at());
    }

    /** A first attempt made now (receivers check that a signed message is fresh). */
    static Attempt attempt() {
        return new Attempt(42, 1, java.time.Instant.now(), java.time.Duration.ofSeconds(5), null);
    }

    /** The channels of an {@code alerting:} YAML section (with {@code ${VAR}} from {@code env}). */
    static AlertingConfig config(String alertingYaml, Map<String, String> env) {
        try {
            return new ConfigLoader(env::get).loadText(alertingYaml, "test.yaml").alerting();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static Channel channel(String alertingYaml) {
        AlertingConfig c = config(alertingYaml, Map.of());
        return c.channels().values().iterator().next();
    }
}
