package dev.mcpwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.DetectionSettings;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.testkit.Examples;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code detection:} thresholds and {@code expect.calls} in the configuration: each rule's
 * settings record sits next to the rule, its defaults are the incident-response guide's values, a
 * monitor overrides only the keys it names, and every mistake is reported with its path at once,
 * like the rest of the configuration.
 */
class DetectionSettingsTest {
    private final ConfigLoader loader = new ConfigLoader(k -> null);

    @Test
    void theExampleConfigurationLoadsWithEveryDetectionOptionAtItsDefault() throws ConfigException {
        McpwatchConfig example = loader.loadText(Examples.everyOptionEnabled(), "mcpwatch.yaml");

        assertThat(example.monitor("everything").orElseThrow().detection()).isEqualTo(DetectionSettings.DEFAULT);
        DetectionSettings weather = example.monitor("weather").orElseThrow().detection();
        assertThat(weather.get(LatencyBaselineRule.SETTINGS).factor()).isEqualTo(3.0);
        assertThat(weather.get(LatencyBaselineRule.SETTINGS).window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(weather.get(CertificateExpiryRule.SETTINGS).reminderDays()).containsExactly(21, 7);
        assertThat(weather.get(FlappingRule.SETTINGS)).isEqualTo(DetectionSettings.DEFAULT.get(FlappingRule.SETTINGS));
        assertThat(example.monitor("travel").orElseThrow().toProbeSpec().toolCalls()).extracting(c -> c.name())
                .containsExactly("search_flights", "search_hotels", "get_visa_rules");
    }

    @Test
    void theGuidesValuesAreTheDefaults() {
        DetectionSettings d = DetectionSettings.DEFAULT;

        assertThat(d.get(LatencyBaselineRule.SETTINGS).factor()).isEqualTo(2.0);
        assertThat(d.get(LatencyBaselineRule.SETTINGS).baseline()).isEqualTo(Duration.ofDays(7));
        assertThat(d.get(CertificateExpiryRule.SETTINGS).reminderDays()).containsExactly(30, 14, 7, 1);
        assertThat(d.get(LatencyTrendRule.SETTINGS).window()).isEqualTo(Duration.ofHours(48));
        assertThat(List.of(d.get(SuccessRateRule.SETTINGS).low(), d.get(SuccessRateRule.SETTINGS).high())).containsExactly(0.95, 0.99);
    }

    @Test
    void aMonitorOverridesOnlyTheKeysItNamesOverTheDefaults() throws ConfigException {
        McpwatchConfig config = loader.loadText("""
                defaults:
                  detection:
                    flapping: {changes: 6}
                    success_rate: {low: 90%, high: 0.995}
                monitors:
                  - id: a
                    url: https://a.example.com/mcp
                    detection:
                      flapping: {window: 1h}
                      latency_trend: {enabled: false}
                  - id: b
                    url: https://b.example.com/mcp
                """, "test.yaml");

        DetectionSettings a = config.monitor("a").orElseThrow().detection();
        assertThat(a.get(FlappingRule.SETTINGS)).isEqualTo(new FlappingRule.Settings(true, 6, Duration.ofHours(1)));
        assertThat(a.get(LatencyTrendRule.SETTINGS).enabled()).isFalse();
        assertThat(a.get(SuccessRateRule.SETTINGS).low()).isEqualTo(0.90);
        assertThat(a.get(SuccessRateRule.SETTINGS).high()).isEqualTo(0.995);
        DetectionSettings b = config.monitor("b").orElseThrow().detection();
        assertThat(b.get(FlappingRule.SETTINGS)).isEqualTo(new FlappingRule.Settings(true, 6, Duration.ofMinutes(30)));
        assertThat(b.get(LatencyTrendRule.SETTINGS).enabled()).isTrue();
    }

    @Test
    void everyMistakeIsReportedWithItsPath() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.loadText("""
                monitors:
                  - id: a
                    url: https://a.example.com/mcp
                    detection:
                      flaping: {changes: 3}
                      latency: {factor: 0.5, window: soon}
                      success_rate: {low: 99%, high: 95%, window: 90m}
                      fewer_tools: {confirm: 6}
                      certificate: {reminders: [30, -1]}
                      tool_error_rate: {threshold: 5}
                """, "test.yaml"));

        assertThat(e.problems()).extracting(Problem::toString).containsExactlyInAnyOrder(
                "test.yaml: monitors[0].detection.flaping: unknown setting (did you mean flapping?); allowed here: certificate, drift, "
                        + "fewer_tools, flapping, latency, latency_trend, success_rate, tool_error_rate, tool_errors",
                "test.yaml: monitors[0].detection.latency.factor: must be between 1.1 and 100.0, got 0.5",
                "test.yaml: monitors[0].detection.latency.window: must be a duration like 30s, 5m or 500ms, got 'soon'",
                "test.yaml: monitors[0].detection.success_rate.low: low (99.0%) must be below high (95.0%)",
                "test.yaml: monitors[0].detection.success_rate.window: must be a whole number of hours, at least 1h (it is read from "
                        + "hourly rollups), got 90m",
                "test.yaml: monitors[0].detection.fewer_tools.confirm: confirm (6) must not exceed of (5)",
                "test.yaml: monitors[0].detection.certificate.reminders[1]: must be a number of days between 0 and 3650, got -1",
                "test.yaml: monitors[0].detection.tool_error_rate.threshold: write a share as a percentage or a fraction, e.g. 5% or "
                        + "0.05; got 5");
    }

    @Test
    void expectCallsListsSeveralHealthToolsAndCallStaysTheOneToolSpelling() throws ConfigException {
        McpwatchConfig config = loader.loadText("""
                monitors:
                  - id: one
                    url: https://a.example.com/mcp
                    expect: {call: {tool: ping}}
                  - id: several
                    url: https://a.example.com/mcp
                    expect: {calls: [{tool: ping}, {tool: search, arguments: {q: x}, contains: hit}]}
                """, "test.yaml");

        assertThat(config.monitor("one").orElseThrow().calls()).extracting(MonitorConfig.ToolCallConfig::tool).containsExactly("ping");
        assertThat(config.monitor("one").orElseThrow().call().tool()).isEqualTo("ping");
        assertThat(config.monitor("several").orElseThrow().toProbeSpec().toolCalls()).extracting(c -> c.name() + " " + c.expectContains())
                .containsExactly("ping null", "search hit");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.loadText("""
                monitors:
                  - id: both
                    url: https://a.example.com/mcp
                    expect: {call: {tool: ping}, calls: [{tool: ping}]}
                  - id: twice
                    url: https://a.example.com/mcp
                    expect: {calls: [{tool: ping}, {tool: ping}]}
                """, "test.yaml"));
        assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                "test.yaml: monitors[0].expect.calls: give either call (one tool) or calls (a list), not both",
                "test.yaml: monitors[1].expect.calls[1].tool: tool 'ping' is already called at monitors[1].expect.calls[0]");
    }
}
