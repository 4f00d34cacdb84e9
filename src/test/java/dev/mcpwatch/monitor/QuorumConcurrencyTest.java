package dev.mcpwatch.monitor;

import static dev.mcpwatch.testkit.Databases.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.testkit.Databases.Kind;
import dev.mcpwatch.testkit.Results;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two nodes of two locations record failures of one monitor at the same moments, from the very first
 * probe: the monitor's row serialises them, so every probe counts once, each location confirms by its
 * own three failures, and exactly one outage opens, naming both.
 */
class QuorumConcurrencyTest {
    private static final Instant T0 = Instant.now().minusSeconds(3_600);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void simultaneousProbesOfTwoLocationsOpenOneOutage(Kind kind) throws Exception {
        try (Database db = kind.open()) {
            MonitorConfig weather = Results.monitor("weather");
            List<ResultRecorder> nodes = List.of(Results.recorder(db, "us-east", 100), Results.recorder(db, "eu-west", 100));
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Integer>> written = new ArrayList<>();
                for (ResultRecorder node : nodes) {
                    written.add(pool.submit(() -> {
                        int n = 0;
                        for (int i = 0; i < 3; i++) {
                            together.await(10, TimeUnit.SECONDS);
                            ProbeResult failed = Results.failed(T0.plusSeconds(60L * i));
                            n += node.record(weather, failed, failed.startedAt().toEpochMilli() + 5) == null ? 0 : 1;
                        }
                        return n;
                    }));
                }
                for (Future<Integer> f : written) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).as("written at once, none waiting in memory").isEqualTo(3);
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(count(db, "SELECT probes FROM monitor_state WHERE monitor_id = 'weather'")).isEqualTo(6);
            assertThat(count(db, "SELECT COUNT(*) FROM location_state WHERE monitor_id = 'weather' AND status = 'down' AND probes = 3"))
                    .isEqualTo(2);
            List<Incident> incidents = db.read(c -> new IncidentStore().page(c, "weather", null, null, 10));
            assertThat(incidents).hasSize(1);
            assertThat(incidents.getFirst().severityNow()).isEqualTo(Severity.P1);
            List<String> failing = db.read(c -> new IncidentStore().failingLocations(c, incidents.getFirst()));
            assertThat(failing).containsExactly("eu-west", "us-east");
        }
    }
}
