package dev.mcpwatch.detect;

import static dev.mcpwatch.detect.Probe.every;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.store.WarningStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two P3 warnings about a monitor's own configuration, replayed through the real recorder and
 * detector on SQLite: a credential mcpwatch cannot renew that expires within 72 hours, and a health
 * call that asks for input nobody configured (the server works: a warning, never an incident).
 */
class CredentialWarningsTest {
    private static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");

    @Test
    void aSecretThatExpiresWithin72HoursRaisesOneWarningThatClearsWhenTheSecretIsReplaced() {
        try (Replay replay = Replay.sqlite()) {
            MonitorConfig m = replay.monitor("""
                    monitors:
                      - id: billing
                        url: https://billing.example.com/mcp
                    """);
            Instant expires = T0.plus(Duration.ofHours(100));
            Instant replaced = T0.plus(Duration.ofDays(90));

            every(Duration.ofHours(1), T0, T0.plus(Duration.ofHours(40))).forEach(at -> replay.record(m, Probe.at(at)
                    .expiring("client secret", expires)));
            every(Duration.ofHours(1), T0.plus(Duration.ofHours(40)), T0.plus(Duration.ofHours(45))).forEach(at -> replay.record(m,
                    Probe.at(at).expiring("client secret", replaced)));

            List<WarningStore.WarningRow> warnings = replay.warnings("billing");
            assertThat(warnings).singleElement().satisfies(w -> {
                assertThat(w.type()).isEqualTo("credentials.expiring");
                assertThat(w.severity()).isEqualTo("P3");
                // 100 h before expiry at T0: the first probe with at most 72 h left is the one at T0+28h.
                assertThat(Instant.ofEpochMilli(w.raisedAt())).isEqualTo(T0.plus(Duration.ofHours(28)).plusMillis(100));
                assertThat(w.message()).isEqualTo("The client secret of monitor billing expires in 71 hours, on 2026-11-06; mcpwatch "
                        + "cannot renew it by itself: replace it in the environment");
                assertThat(Instant.ofEpochMilli(w.clearedAt())).isEqualTo(T0.plus(Duration.ofHours(40)).plusMillis(100));
            });
            assertThat(replay.events()).filteredOn(e -> e instanceof MonitorEvent.Warning).singleElement()
                    .satisfies(e -> assertThat(((MonitorEvent.Warning) e).severity()).isEqualTo(Severity.P3));
            assertThat(replay.incidents("billing")).isEmpty();
        }
    }

    @Test
    void aHealthCallThatAsksForInputIsAWarningNeverAnIncidentNorAToolError() {
        try (Replay replay = Replay.sqlite()) {
            MonitorConfig m = replay.monitor("""
                    monitors:
                      - id: travel
                        url: https://travel.example.com/mcp
                        expect:
                          calls: [{tool: book}, {tool: search}]
                    """);
            every(Duration.ofMinutes(1), T0, T0.plus(Duration.ofMinutes(10))).forEach(at -> replay.record(m, Probe.at(at)
                    .callNeedingInput("book").call("search", true)));
            every(Duration.ofMinutes(1), T0.plus(Duration.ofMinutes(10)), T0.plus(Duration.ofMinutes(12))).forEach(at -> replay.record(m,
                    Probe.at(at).call("book", true).call("search", true)));

            assertThat(replay.warnings("travel")).singleElement().satisfies(w -> {
                assertThat(w.type()).isEqualTo("health_call.needs_input");
                assertThat(w.subject()).isEqualTo("book");
                assertThat(w.message()).contains("asks for input");
                assertThat(Instant.ofEpochMilli(w.clearedAt())).isEqualTo(T0.plus(Duration.ofMinutes(10)).plusMillis(100));
            });
            assertThat(replay.incidents("travel")).isEmpty();
            assertThat(replay.detection("travel").get("tool.errors").held().isEmpty()).isTrue();
        }
    }
}
