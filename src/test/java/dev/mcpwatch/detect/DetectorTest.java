package dev.mcpwatch.detect;

import static dev.mcpwatch.detect.Probe.every;
import static dev.mcpwatch.detect.ReplayScenarios.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.store.DetectionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the detector runs its rules: a broken rule never stops a probe from being recorded, a steady
 * monitor costs no writes, and thresholds are the monitor's own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DetectorTest {
    private static final String MONITOR = "monitors: [{id: api, url: 'https://api.example.com/mcp'}]";

    /** A rule with a bug. */
    private static final class Broken implements Rule {
        int calls;

        @Override
        public String id() {
            return "broken";
        }

        @Override
        public Severity severity() {
            return Severity.P2;
        }

        @Override
        public Verdict judge(Context ctx, ObjectNode memory, Map<String, Finding> held) {
            calls++;
            throw new IllegalStateException("bug");
        }
    }

    @Test
    void aRuleThatThrowsIsSkippedAndTheProbeIsStillRecordedAndJudgedByTheOthers() {
        Broken broken = new Broken();
        try (Replay replay = new Replay(Replay.storage("jdbc:sqlite:" + dev.mcpwatch.testkit.ServeFixture.tempDir("broken")
                .resolve("mcpwatch.db"), null), List.of(broken, new FlappingRule()))) {
            MonitorConfig api = replay.monitor(MONITOR);
            // passing, failing, passing, failing, passing: four changes, flapping
            for (int i = 0; i < 5; i++) {
                Probe p = Probe.at(t(0, i, 0));
                replay.record(api, i % 2 == 1 ? p.refused() : p);
            }

            assertThat(broken.calls).isEqualTo(5);
            assertThat(replay.incidents("api")).singleElement().satisfies(i -> {
                assertThat(i.severity()).isEqualTo(Severity.P2);
                assertThat(i.headline().message()).startsWith("Flapping: 4 changes");
            });
            assertThat(replay.detection("api")).doesNotContainKey("broken");
        }
    }

    @Test
    void aSteadyMonitorChangesNoRulesStateFromProbeToProbe() {
        try (Replay replay = Replay.sqlite()) {
            MonitorConfig api = replay.monitor(MONITOR);
            every(Duration.ofMinutes(1), T0, t(0, 30, 0)).forEach(at -> replay.record(api, Probe.at(at)));
            Map<String, DetectionStore.RuleState> before = replay.detection("api");

            every(Duration.ofMinutes(1), t(0, 30, 0), t(0, 59, 0)).forEach(at -> replay.record(api, Probe.at(at)));

            assertThat(replay.detection("api")).as("every rule skipped or judged without a change").isEqualTo(before);
        }
    }

    @Test
    void thresholdsAreEachMonitorsOwn() {
        try (Replay replay = Replay.sqlite()) {
            List<MonitorConfig> monitors = replay.monitors("""
                    monitors:
                      - id: default
                        url: https://api.example.com/mcp
                      - id: patient
                        url: https://api.example.com/mcp
                        detection: {flapping: {changes: 6}}
                      - id: off
                        url: https://api.example.com/mcp
                        detection: {flapping: {enabled: false}}
                    """);
            for (MonitorConfig m : monitors) {
                List<Instant> times = new ArrayList<>(every(Duration.ofMinutes(1), T0, t(0, 10, 0)));
                for (int i = 0; i < times.size(); i++) {
                    Probe p = Probe.at(times.get(i));
                    replay.record(m, i == 3 || i == 6 ? p.refused() : p); // two blips: four changes in 10 min
                }
            }

            assertThat(replay.incidents("default")).hasSize(1);
            assertThat(replay.incidents("patient")).as("6 changes needed").isEmpty();
            assertThat(replay.incidents("off")).as("rule switched off").isEmpty();
        }
    }

    private static final Instant T0 = ReplayScenarios.T0;
}
