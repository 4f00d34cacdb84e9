package dev.mcpwatch.store;

import static dev.mcpwatch.testkit.Databases.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentStatus;
import dev.mcpwatch.incident.MonitorState;
import dev.mcpwatch.incident.MonitorStatus;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.incident.Transition;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V16 adds each location's state machine. A database written by the previous schema, with a monitor
 * confirmed down and its incident open, upgrades with that state as the state of the location that
 * probed it: the incident stays open and resolves by the same successes, instead of starting over.
 */
class LocationStateMigrationTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anOpenIncidentKeepsItsStateThroughTheUpgrade(Dialect dialect) throws SQLException {
        Databases.Empty empty = Databases.empty(dialect);
        String url = empty.url();
        String user = empty.user();
        Database.migrations(dialect).dataSource(url, user, null)
                .target("13").load().migrate();
        long incidentId;
        try (Connection c = DriverManager.getConnection(url, user, null)) {
            ResultStore results = new ResultStore();
            long first = 0;
            long last = 0;
            ProbeResult r = null;
            for (int i = 0; i < 3; i++) {
                r = Results.failed(T0.plusSeconds(60L * i));
                last = results.insert(c, "weather", "eu-west", r, null);
                first = i == 0 ? last : first;
            }
            long detected = T0.plusSeconds(121).toEpochMilli();
            incidentId = new IncidentStore().open(c, "weather", new Transition.Opened(r.failure(), T0.toEpochMilli(), detected, first, 3),
                    Severity.P1, last);
            MonitorState down = new MonitorState(MonitorStatus.DOWN, 3, 0, T0.toEpochMilli(), first, incidentId, 3);
            new StateStore(dialect).save(c, "weather", down, last, r, null);
        }

        try (Database db = Database.open(new StorageSettings(url, user, null, StorageSettings.DEFAULT.rawRetention(),
                StorageSettings.DEFAULT.rollupRetention(), 1_000))) {
            assertThat(count(db, "SELECT COUNT(*) FROM location_state WHERE monitor_id = 'weather' AND location = 'eu-west' "
                    + "AND status = 'down' AND consecutive_failures = 3 AND probes = 3 AND confirmed_at = ? "
                    + "AND last_reason = 'connection_refused'", T0.toEpochMilli())).isEqualTo(1);

            ResultRecorder recorder = Results.recorder(db, "eu-west", 100);
            MonitorConfig weather = Results.monitor("weather");
            ProbeResult once = Results.healthy(T0.plusSeconds(180), 10);
            recorder.record(weather, once, once.startedAt().toEpochMilli() + 10);
            Incident stillOpen = db.read(c -> new IncidentStore().get(c, incidentId));
            assertThat(stillOpen.status()).as("one success of the two that resolve it").isEqualTo(IncidentStatus.OPEN);

            ProbeResult twice = Results.healthy(T0.plusSeconds(240), 10);
            ResultRecorder.Recorded recorded = recorder.record(weather, twice, twice.startedAt().toEpochMilli() + 10);
            assertThat(recorded.transition().resolved()).isNotNull();
            Incident resolved = db.read(c -> new IncidentStore().get(c, incidentId));
            assertThat(resolved.status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(count(db, "SELECT COUNT(*) FROM incidents")).as("the same incident, not a new one").isEqualTo(1);
        }
    }
}
