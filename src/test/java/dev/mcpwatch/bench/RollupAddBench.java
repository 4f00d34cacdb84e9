package dev.mcpwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CPU and allocation of {@link RollupStore#add} per probe (its hour and day rows read, updated and
 * written back) on SQLite: M monitors probed every 60 s, each probe added in its own transaction as
 * the recorder does, the first half as warm-up. Only the add call is timed (thread CPU time and
 * bytes allocated by the calling thread), not the commit. A bench, not a test: it checks only that
 * every probe was counted.
 *
 * <p>Run: {@code mvn test -Dtest=RollupAddBench -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dbench.monitors=100] [-Dbench.minutes=240]}; the figures are in {@code target/bench/rollup-add.txt}.
 */
class RollupAddBench {
    static final int MONITORS = Integer.getInteger("bench.monitors", 100);
    static final int MINUTES = Integer.getInteger("bench.minutes", 240);
    static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");

    @Test
    void cpuAndAllocationPerAdd() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Random random = new Random(17);
        try (Database db = Databases.sqlite()) {
            RollupStore rollups = new RollupStore(db.dialect());
            long cpu = 0;
            long allocated = 0;
            long measured = 0;
            for (int minute = 0; minute < MINUTES; minute++) {
                List<ProbeResult> probes = new ArrayList<>();
                for (int i = 0; i < MONITORS; i++) {
                    // to the microsecond, as a probe measures; one in fifty failed
                    double total = Math.round((40 + 20 * random.nextGaussian() * 0.3 + i % 7) * 1000) / 1000.0;
                    Instant at = T0.plusSeconds(minute * 60L).plusMillis(i * 60_000L / MONITORS);
                    probes.add(random.nextInt(50) == 0 ? Results.failed(at) : Results.healthy(at, Math.max(1, total)));
                }
                boolean warm = minute >= MINUTES / 2;
                for (int i = 0; i < MONITORS; i++) {
                    String id = "m-" + i;
                    ProbeResult r = probes.get(i);
                    long[] spent = db.transaction(c -> {
                        long t0 = threads.getCurrentThreadCpuTime();
                        long a0 = threads.getCurrentThreadAllocatedBytes();
                        rollups.add(c, id, "default", r);
                        return new long[] {threads.getCurrentThreadCpuTime() - t0, threads.getCurrentThreadAllocatedBytes() - a0};
                    });
                    if (warm) {
                        cpu += spent[0];
                        allocated += spent[1];
                        measured++;
                    }
                }
            }
            long probes = db.read(c -> rollups.summary(c, "m-0", Resolution.DAY, 0, Long.MAX_VALUE).probes());
            assertThat(probes).as("every probe of a monitor counted").isEqualTo(MINUTES);
            String line = String.format(Locale.ROOT, "RollupStore.add on SQLite, %,d monitors × %d minutes, last %,d adds: "
                    + "%.1f µs CPU and %.1f KiB allocated per add (hour and day row)%n", MONITORS, MINUTES, measured,
                    cpu / 1e3 / measured, allocated / 1024.0 / measured);
            System.out.print(line);
            Path file = Path.of("target/bench/rollup-add.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, line);
        }
    }
}
