package dev.mcpwatch.configfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.testkit.Results;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code quorum:}: 2 unless a monitor or {@code defaults:} says otherwise; below 1 is refused, naming
 * the key. {@code regional_severity:}: P2 unless set; P3 is allowed, P1 refused with the way to page
 * on one location.
 */
class QuorumSettingTest {
    @Test
    void theQuorumDefaultsToTwoAndIsSetPerMonitorOrInDefaults() {
        var monitors = Results.monitors("""
                defaults: {quorum: 3}
                monitors:
                  - {id: a, url: 'https://a.example.com/mcp'}
                  - {id: b, url: 'https://b.example.com/mcp', quorum: 1}
                """);
        assertThat(monitors).extracting(m -> m.quorum()).containsExactly(3, 1);
        assertThat(Results.monitor("c").quorum()).isEqualTo(2);
    }

    @Test
    void aQuorumBelowOneIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get)
                .loadText("monitors:\n  - {id: a, url: 'https://a.example.com/mcp', quorum: 0}\n", "test.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("monitors[0].quorum");
    }

    @Test
    void theRegionalSeverityIsP2UnlessAMonitorOrTheDefaultsMakeItP3() {
        var monitors = Results.monitors("""
                defaults: {regional_severity: P3}
                monitors:
                  - {id: a, url: 'https://a.example.com/mcp'}
                  - {id: b, url: 'https://b.example.com/mcp', regional_severity: P2}
                """);
        assertThat(monitors).extracting(m -> m.regionalSeverity()).containsExactly(Severity.P3, Severity.P2);
        assertThat(Results.monitor("c").regionalSeverity()).isEqualTo(Severity.P2);
    }

    @Test
    void aP1RegionalSeverityIsRefusedNamingTheKeyAndTheWayToPageOnOneLocation() {
        assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get)
                .loadText("monitors:\n  - {id: a, url: 'https://a.example.com/mcp', regional_severity: P1}\n", "test.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("monitors[0].regional_severity")
                .hasMessageContaining("quorum: 1");
    }
}
