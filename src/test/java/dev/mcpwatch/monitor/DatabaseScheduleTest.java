package dev.mcpwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.ServeFixture;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Scheduling thousands of monitors at start-up: batched, each exactly once, however often it is asked. */
class DatabaseScheduleTest {

    @Test
    void thousandsOfMonitorsAreScheduledOnceEachAndAgainOnlyTheNewOnes() throws Exception {
        StorageSettings storage = new StorageSettings("jdbc:sqlite:" + ServeFixture.tempDir("schedule").resolve("m.db"), null, null,
                Duration.ofDays(7), Duration.ofDays(400), 100);
        try (Database db = Database.open(storage)) {
            ResultRecorder recorder = Results.recorder(db, "test", 100);
            DatabaseSchedule scheduler = new DatabaseSchedule(db, new MonitorRegistry(),
                    new ProbeAndRecord(new Prober(), recorder, 4, InstantSource.system()), new Retention(db, storage, InstantSource.system()),
                    new Compaction(db, InstantSource.system()), "test-node", 4, new Lateness(), InstantSource.system());

            scheduler.add(monitors(2_500));
            assertThat(scheduled(db)).isEqualTo(2_500);

            scheduler.add(monitors(2_510));
            assertThat(scheduled(db)).as("only the ten new ones are added").isEqualTo(2_510);
            assertThat(distinctTimes(db)).as("spread over the interval, not all at once").isGreaterThan(2_000);
        }
    }

    private static List<MonitorConfig> monitors(int n) throws Exception {
        StringBuilder yaml = new StringBuilder("monitors:\n");
        IntStream.range(0, n).forEach(i -> yaml.append("  - {id: m").append(i).append(", url: 'http://127.0.0.1:9/mcp/").append(i)
                .append("'}\n"));
        return new ConfigLoader(k -> null).loadText(yaml.toString(), "many.yaml").monitors();
    }

    private static long scheduled(Database db) throws Exception {
        return db.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = 'probe'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static long distinctTimes(Database db) throws Exception {
        return db.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT COUNT(DISTINCT execution_time) FROM scheduled_tasks WHERE task_name = 'probe'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
