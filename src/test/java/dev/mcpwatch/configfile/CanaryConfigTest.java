package dev.mcpwatch.configfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mcpwatch.canary.CanarySettings;
import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.testkit.Examples;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code canaries:} in the configuration: bound into {@link CanarySettings}, every mistake one problem at its place. */
class CanaryConfigTest {
    private static final String MONITORS = """
            monitors:
              - id: search-stable
                url: https://stable.example.com/mcp
              - id: search-canary
                url: https://canary.example.com/mcp
              - id: search
                url: https://search.example.com/mcp
            """;

    @Test
    void twoMonitorsOrOneSplitByAHeaderWithTheGuidesDefaults() throws Exception {
        McpwatchConfig config = new ConfigLoader(k -> null).loadText(MONITORS + """
                canaries:
                  - id: search-v2
                    stable: search-stable
                    canary: search-canary
                  - id: search-split
                    monitor: search
                    split: {header: X-Server-Version, stable: 1.4.2, canary: 1.5.0}
                    stage: 25
                    started_at: 2026-11-21T10:00:00Z
                    interval: 30s
                    allow_breaking: true
                    severity: P2
                    prometheus: {url: http://prometheus.internal:9090}
                """, "canaries.yaml");

        assertThat(config.canaries()).containsExactly(
                new CanarySettings("search-v2", "search-stable", "search-canary", null, null, 5, null, Duration.ofSeconds(10), false,
                        Severity.P1, null),
                new CanarySettings("search-split", null, null, "search", new CanarySettings.Split("X-Server-Version", "1.4.2", "1.5.0"), 25,
                        Instant.parse("2026-11-21T10:00:00Z"), Duration.ofSeconds(30), true, Severity.P2,
                        new CanarySettings.Prometheus("http://prometheus.internal:9090", null, null)));
    }

    @Test
    void theExamplesCanariesLoadAsTheirCommentsSay() throws Exception {
        assertThat(new ConfigLoader(k -> null).load(Examples.CONFIG).canaries()).as("all commented out in the shipped file").isEmpty();

        McpwatchConfig config = new ConfigLoader(k -> null).loadText(Examples.everyOptionEnabled(), "mcpwatch.yaml");

        assertThat(config.canaries()).containsExactly(
                new CanarySettings("weather-v2", "weather", "weather-canary", null, null, 5, Instant.parse("2026-11-21T10:00:00Z"),
                        Duration.ofSeconds(10), false, Severity.P1, null),
                new CanarySettings("search-split", null, null, "search", new CanarySettings.Split("X-Server-Version", "1.4.2", "1.5.0"),
                        5, null, Duration.ofSeconds(10), false, Severity.P1, new CanarySettings.Prometheus("http://prometheus:9090", null, null)));
    }

    @Test
    void everyMistakeIsOneProblemAtItsPlace() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(k -> null).loadText(MONITORS + """
                canaries:
                  - id: a
                    stable: search-stable
                    canary: search-canary
                    stage: 10
                  - id: b
                    stable: search-stable
                    monitor: search
                  - id: c
                    stable: search-stable
                    canary: search-canary
                    interval: 500ms
                  - id: d
                    monitor: search
                    split: {header: X-Server-Version, stable: v1, canary: v1}
                  - id: e
                    stable: search-stable
                    canary: search-canary
                    intervall: 30s
                  - id: a
                    stable: search-stable
                    canary: search-canary
                  - id: f
                    stable: search-stable
                    canary: search-stable
                  - id: g
                    stable: search-stable
                    canary: search-canary
                    prometheus: {url: prometheus:9090}
                """, "canaries.yaml"));

        assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                "canaries.yaml: canaries[0].stage: must be 5, 25, 50 or 100 (percent of traffic), got 10",
                "canaries.yaml: canaries[1].monitor: canary 'b' needs either stable and canary (two monitor ids), or monitor and split "
                        + "(one monitor whose responses name the version in a header)",
                "canaries.yaml: canaries[2].interval: canary 'c': the interval must be between 1s and 1h, got 500ms",
                "canaries.yaml: canaries[3].split: stable and canary must have different values of X-Server-Version, both are 'v1'",
                "canaries.yaml: canaries[4].intervall: unknown setting (did you mean interval?); allowed here: allow_breaking, canary, id, "
                        + "interval, monitor, prometheus, severity, split, stable, stage, started_at",
                "canaries.yaml: canaries[5].id: duplicate canary id 'a' (also at canaries.yaml canaries[0])",
                "canaries.yaml: canaries[6].canary: canary 'f': stable and canary are the same monitor 'search-stable'",
                "canaries.yaml: canaries[7].prometheus: canary 'g': prometheus needs the http(s) URL of a Prometheus server, got 'prometheus:9090'");
    }
}
