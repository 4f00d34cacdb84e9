package dev.mcpwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scheduling thousands of monitors at start-up: batched, each exactly once, however often it is asked;
 * and polling for due probes as often as configured.
 */
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

    @Test
    void theSchedulerLooksForDueProbesAsOftenAsThePollIntervalSays() throws Exception {
        StorageSettings storage = new StorageSettings("jdbc:sqlite:" + ServeFixture.tempDir("poll").resolve("m.db"), null, null,
                Duration.ofDays(7), Duration.ofDays(400), 100);
        try (Database db = Database.open(storage)) {
            ResultRecorder recorder = Results.recorder(db, "test", 100);
            DatabaseSchedule scheduler = new DatabaseSchedule(db, new MonitorRegistry(),
                    new ProbeAndRecord(new Prober(), recorder, 4, InstantSource.system()), new Retention(db, storage, InstantSource.system()),
                    new Compaction(db, InstantSource.system()), "test-node", new Stagger(Stagger.DEFAULT_LOCATION, List::of), 4,
                    Duration.ofMillis(50), new Lateness(), InstantSource.system());
            List<Long> polls = new CopyOnWriteArrayList<>();
            CountDownLatch twelve = new CountDownLatch(12);
            scheduler.listen(new AbstractSchedulerListener() {
                @Override
                public void onSchedulerEvent(SchedulerEventType type) {
                    if (type == SchedulerEventType.RAN_EXECUTE_DUE) {
                        polls.add(System.nanoTime());
                        twelve.countDown();
                    }
                }
            });
            scheduler.start();
            try {
                assertThat(twelve.await(30, TimeUnit.SECONDS)).as("twelve polls").isTrue();
            } finally {
                scheduler.stop();
            }
            List<Long> gaps = IntStream.range(1, 12).mapToObj(i -> (polls.get(i) - polls.get(i - 1)) / 1_000_000).sorted().toList();
            assertThat(gaps.get(gaps.size() / 2)).as("median ms between polls, with nothing due (default: 250)")
                    .isBetween(40L, 150L);
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
