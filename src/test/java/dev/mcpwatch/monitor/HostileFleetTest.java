package dev.mcpwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.detect.Detector;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.ExpandingAnswers;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * As many hostile monitors as {@code server.max_concurrent_probes} lets run, probed together on
 * the serving path (ProbeAndRecord, the prober, the result recorder with detection, SQLite), each
 * answering with something under the 4 MiB cap that would expand into millions of JSON nodes. The
 * answers are held back until every probe has asked, so all 32 parse at the same moment. Runs in
 * the 96 MB heap that exits on OutOfMemoryError (see pom.xml): before the parser's bounds, each of
 * these answers alone took 35–45 times its size.
 */
@Tag("hostile")
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileFleetTest {
    private static final int FLEET = 32;

    @Test
    void thirtyTwoMonitorsOfExpandingAnswersAtOnceFailClassifiedAndTheHeapStaysFlat() throws Exception {
        CountDownLatch together = new CountDownLatch(FLEET);
        try (Database db = Databases.sqlite();
                FixtureServer objects = FixtureServer.http(ScriptedMcp.legacy()
                        .on("initialize", ExpandingAnswers.emptyObjects(ExpandingAnswers.FOUR_MB, together)));
                FixtureServer tools = FixtureServer.http(ScriptedMcp.legacy()
                        .on("tools/list", ExpandingAnswers.smallTools(70_000, together)));
                FixtureServer pages = FixtureServer.http(ScriptedMcp.legacy()
                        .on("tools/list", ExpandingAnswers.endlessPages(3_900_000, 60, 100, together)))) {
            StringBuilder yaml = new StringBuilder("server: {max_concurrent_probes: " + FLEET + "}\nmonitors:\n");
            List<FixtureServer> kinds = List.of(objects, tools, pages);
            for (int i = 0; i < FLEET; i++) {
                yaml.append("  - {id: hostile-").append(i).append(", url: '").append(kinds.get(i % 3).url("/mcp")).append("'}\n");
            }
            McpwatchConfig config = new ConfigLoader(Map.<String, String>of()::get).loadText(yaml.toString(), "fleet.yaml");
            MonitorEvents events = new MonitorEvents();
            ResultRecorder recorder = new ResultRecorder(db, "default", 10_000, new Incidents(db, events, InstantSource.system()),
                    InstantSource.system());
            recorder.assessWith(new Detector(db.dialect(), events));
            ProbeAndRecord runner = new ProbeAndRecord(new Prober(), recorder, config.server().maxConcurrentProbes(), InstantSource.system());
            long before = heapUsedAfterGc();
            resetPeaks();

            List<Duration> next = new ArrayList<>();
            try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Duration>> running = new ArrayList<>();
                for (MonitorConfig m : config.monitors()) {
                    running.add(probes.submit(() -> runner.runOnce(m)));
                }
                for (Future<Duration> f : running) {
                    next.add(f.get());
                }
            }

            long oldGenPeak = oldGenPeak();
            long after = heapUsedAfterGc();
            System.out.printf("%d hostile monitors at once: heap used %.1f MB before, %.1f MB after (after GC); old generation peak "
                    + "%.1f MB; max heap %.0f MB%n", FLEET, mb(before), mb(after), mb(oldGenPeak), mb(Runtime.getRuntime().maxMemory()));
            assertThat(together.getCount()).as("every probe reached its hostile answer, so they were parsed together").isZero();
            assertThat(next).hasSize(FLEET);
            for (int i = 0; i < FLEET; i++) {
                String expected = i % 3 == 0 ? "response_too_large" : "tools_list_error";
                assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key WHERE k.monitor_id = ? AND r.reason = ?",
                        "hostile-" + i, expected)).as("hostile-%d recorded %s", i, expected).isEqualTo(1);
            }
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM monitor_state WHERE status = 'suspect'")).isEqualTo(FLEET);
            assertThat(after).as("heap used after GC, in bytes").isLessThan(before + 16L * 1024 * 1024);
        }
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The peak of the pools that hold what survived young collections: a bound on what was live at once. */
    private static long oldGenPeak() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && (pool.getName().contains("Old") || pool.getName().contains("Tenured"))) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static long heapUsedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
