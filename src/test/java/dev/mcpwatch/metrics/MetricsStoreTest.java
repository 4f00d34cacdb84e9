package dev.mcpwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.MetricsStore;
import dev.mcpwatch.store.MetricsStore.MonitorFigures;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The one query a scrape makes of the monitors, on SQLite and on PostgreSQL: the same figures from both. */
class MetricsStoreTest {

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void eachMonitorsFiguresInOneQuery(Databases.Kind kind) throws Exception {
        try (Database db = kind.open()) {
            List<MonitorConfig> monitors = Results.monitors("""
                    monitors:
                      - id: good
                        url: http://127.0.0.1:9/mcp
                      - id: bad
                        url: http://127.0.0.1:9/mcp
                      - id: new
                        url: http://127.0.0.1:9/mcp
                    """);
            db.transaction(c -> new MonitorStore().sync(c, monitors, 0));
            ResultRecorder recorder = Results.recorder(db, "test", 100);
            Instant t = Instant.parse("2026-03-02T10:00:00Z");
            for (int i = 0; i < 3; i++) {
                recorder.record(monitors.get(0), Results.healthy(t.plusSeconds(10L * i), 50, Results.tools("a", "b")), 0);
                recorder.record(monitors.get(1), Results.failed(t.plusSeconds(10L * i)), 0);
            }

            List<MonitorFigures> figures = db.read(c -> new MetricsStore().monitors(c));

            assertThat(figures).extracting(MonitorFigures::id).containsExactly("bad", "good", "new");
            MonitorFigures bad = figures.get(0);
            MonitorFigures good = figures.get(1);
            MonitorFigures fresh = figures.get(2);
            assertThat(bad.status()).isEqualTo("down");
            assertThat(bad.severity()).isEqualTo("P1");
            assertThat(bad.lastHealthy()).isFalse();
            assertThat(good.status()).isEqualTo("up");
            assertThat(good.severity()).isNull();
            assertThat(good.toolCount()).isEqualTo(2);
            assertThat(good.lastTotalMs()).isEqualTo(50.0);
            assertThat(good.lastProbeAt()).isEqualTo(t.plusSeconds(20).toEpochMilli());
            assertThat(fresh.status()).isEqualTo("unknown");
            assertThat(fresh.lastHealthy()).isNull();
            assertThat(Metrics.state(fresh)).isEqualTo("unknown");
            List<MetricsStore.Count> backlog = db.read(c -> new MetricsStore().outboxBacklog(c));
            assertThat(backlog).isEmpty();
        }
    }
}
