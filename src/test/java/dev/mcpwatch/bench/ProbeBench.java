package dev.mcpwatch.bench;

import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures what probing costs the monitor: N probes of one MCP server through one shared
 * {@link Prober} at a fixed concurrency, reporting probes per second, the monitor process's CPU time
 * per probe, and the latency the monitor adds to each probe (its measured total minus the time the
 * server says it spent, from {@code Server-Timing}). A harness, not a test: nothing asserts speed.
 *
 * <p>Usage: {@code ProbeBench N CONCURRENCY URL [WARMUP] [--threads=platform|virtual]}.
 *
 * <p>The probes run on a fixed pool of {@code CONCURRENCY} workers that each take the next probe
 * until N are done, so exactly CONCURRENCY probes are in flight. Platform threads by default: a
 * probe blocks in socket reads, and for a handful of workers a platform thread is the plain,
 * unscheduled case (the kernel wakes the thread that blocked), while a virtual thread adds a hand-off
 * to a carrier on every wake-up. {@code --threads=virtual} runs the same probes on virtual threads,
 * one per worker, for comparison.
 */
public final class ProbeBench {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        boolean virtual = false;
        for (String a : args) {
            if (a.equals("--threads=virtual")) {
                virtual = true;
            } else if (a.equals("--threads=platform")) {
                virtual = false;
            } else if (a.startsWith("--")) {
                usage("unknown option " + a);
            } else {
                positional.add(a);
            }
        }
        if (positional.size() < 3 || positional.size() > 4) {
            usage("expected N, CONCURRENCY and URL");
        }
        int n = Integer.parseInt(positional.get(0));
        int concurrency = Integer.parseInt(positional.get(1));
        String url = positional.get(2);
        int warmup = positional.size() > 3 ? Integer.parseInt(positional.get(3)) : Math.min(1_000, Math.max(200, n / 2));
        if (n < 1 || concurrency < 1 || warmup < 0) {
            usage("N and CONCURRENCY must be positive, WARMUP not negative");
        }

        ProbeSpec spec = ProbeSpec.http(url).build();
        Prober prober = new Prober();
        ThreadFactory threads = virtual
                ? Thread.ofVirtual().name("bench-", 0).factory()
                : Thread.ofPlatform().daemon().name("bench-", 0).factory();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, threads);
        try {
            // Warm-up: loads classes, lets the JIT compile the hot path, and lets the prober detect the
            // server's era once and remember it, as a running monitor would.
            run(pool, concurrency, prober, spec, new ProbeResult[warmup]);

            Meters before = Meters.now();
            ProbeResult[] results = new ProbeResult[n];
            long wallStart = System.nanoTime();
            run(pool, concurrency, prober, spec, results);
            long wallNanos = System.nanoTime() - wallStart;
            Meters after = Meters.now();

            Report report = Report.of(n, concurrency, virtual, warmup, url, results, wallNanos, before, after);
            System.out.print(report.text());
            System.out.println("BENCH " + JSON.writeValueAsString(report.summary()));
            System.exit(report.valid() ? 0 : 1);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs results.length probes on the pool's workers, each taking the next index until none is left. */
    private static void run(ExecutorService pool, int workers, Prober prober, ProbeSpec spec, ProbeResult[] results)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            running.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < results.length; i = next.getAndIncrement()) {
                    results[i] = prober.probe(spec);
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
    }

    private static void usage(String problem) {
        System.err.println("ProbeBench: " + problem);
        System.err.println("usage: ProbeBench N CONCURRENCY URL [WARMUP] [--threads=platform|virtual]");
        System.exit(2);
    }

    /** Process-wide counters read before and after the measured run. */
    record Meters(long cpuNanos, long allocatedBytes, long gcCount, long gcMillis, double loadAverage) {
        static Meters now() {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long count = 0;
            long millis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, gc.getCollectionCount());
                millis += Math.max(0, gc.getCollectionTime());
            }
            return new Meters(os.getProcessCpuTime(), threads.getTotalThreadAllocatedBytes(), count, millis,
                    os.getSystemLoadAverage());
        }
    }

    /** The figures of one measured run. */
    record Report(int n, int concurrency, boolean virtual, int warmup, String url, int failures, List<String> failureSamples,
            int withoutServerTiming, double wallSeconds, double probesPerSecond, double cpuMsPerProbe, double allocKbPerProbe,
            long gcCount, long gcMillis, double loadBefore, double loadAfter, double[] added, double[] total, double[] server, String steps) {

        static Report of(int n, int concurrency, boolean virtual, int warmup, String url, ProbeResult[] results, long wallNanos,
                Meters before, Meters after) {
            int failures = 0;
            int withoutServerTiming = 0;
            List<String> samples = new ArrayList<>();
            Map<String, Integer> stepShapes = new LinkedHashMap<>();
            double[] added = new double[n];
            double[] total = new double[n];
            double[] server = new double[n];
            int timed = 0;
            for (ProbeResult r : results) {
                stepShapes.merge(String.join(" ", r.timings().stream().map(t -> t.phase().wireName()).toList()), 1, Integer::sum);
                if (!r.healthy()) {
                    failures++;
                    if (samples.size() < 5) {
                        samples.add(r.reason().wireName() + ": " + r.failure().message());
                    }
                    continue;
                }
                Double serverMs = r.serverMs();
                if (serverMs == null) {
                    withoutServerTiming++;
                    continue;
                }
                total[timed] = r.totalMs();
                server[timed] = serverMs;
                added[timed] = r.totalMs() - serverMs;
                timed++;
            }
            added = sorted(added, timed);
            total = sorted(total, timed);
            server = sorted(server, timed);
            double wallSeconds = wallNanos / 1e9;
            String steps = stepShapes.entrySet().stream().map(e -> e.getValue() + "× " + e.getKey()).reduce((a, b) -> a + "; " + b).orElse("");
            return new Report(n, concurrency, virtual, warmup, url, failures, samples, withoutServerTiming, wallSeconds,
                    n / wallSeconds, (after.cpuNanos - before.cpuNanos) / 1e6 / n,
                    (after.allocatedBytes - before.allocatedBytes) / 1024.0 / n, after.gcCount - before.gcCount,
                    after.gcMillis - before.gcMillis, before.loadAverage, after.loadAverage, added, total, server, steps);
        }

        /** A run counts only if every probe was healthy and carried the server's timing. */
        boolean valid() {
            return failures == 0 && withoutServerTiming == 0;
        }

        String text() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "probe bench  %d probes, concurrency %d (%s threads), warm-up %d, %s%n", n, concurrency,
                    virtual ? "virtual" : "platform", warmup, url));
            b.append(String.format(Locale.ROOT, "  steps         %s%n", steps));
            b.append(String.format(Locale.ROOT, "  throughput    %.0f probes/s  (%.2f s wall)%n", probesPerSecond, wallSeconds));
            b.append(String.format(Locale.ROOT, "  cpu           %.3f ms per probe (monitor process, all threads)%n", cpuMsPerProbe));
            b.append(String.format(Locale.ROOT, "  allocation    %.0f KiB per probe; %d GCs, %d ms%n", allocKbPerProbe, gcCount, gcMillis));
            b.append(String.format(Locale.ROOT, "  added         p50 %.3f  p99 %.3f  max %.3f ms   (total - server)%n",
                    pct(added, 50), pct(added, 99), max(added)));
            b.append(String.format(Locale.ROOT, "  total         p50 %.3f  p99 %.3f  max %.3f ms%n", pct(total, 50), pct(total, 99), max(total)));
            b.append(String.format(Locale.ROOT, "  server        p50 %.3f  p99 %.3f  max %.3f ms   (Server-Timing, summed per probe)%n",
                    pct(server, 50), pct(server, 99), max(server)));
            b.append(String.format(Locale.ROOT, "  machine       %d cores, load average %.2f before, %.2f after (other work competes for the cores)%n",
                    Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter));
            b.append(String.format(Locale.ROOT, "  failures      %d%s%n", failures, failures == 0 ? "" : "  " + failureSamples));
            if (withoutServerTiming > 0) {
                b.append(String.format(Locale.ROOT, "  no timing     %d healthy probes carried no Server-Timing%n", withoutServerTiming));
            }
            b.append(valid() ? "  run valid\n" : "  RUN INVALID: every probe must be healthy and timed by the server\n");
            return b.toString();
        }

        Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", n);
            m.put("concurrency", concurrency);
            m.put("threads", virtual ? "virtual" : "platform");
            m.put("warmup", warmup);
            m.put("valid", valid());
            m.put("failures", failures);
            m.put("probesPerSec", round(probesPerSecond, 1));
            m.put("cpuMsPerProbe", round(cpuMsPerProbe, 4));
            m.put("allocKbPerProbe", round(allocKbPerProbe, 1));
            m.put("addedP50Ms", round(pct(added, 50), 3));
            m.put("addedP99Ms", round(pct(added, 99), 3));
            m.put("addedMaxMs", round(max(added), 3));
            m.put("totalP50Ms", round(pct(total, 50), 3));
            m.put("serverP50Ms", round(pct(server, 50), 3));
            m.put("gcCount", gcCount);
            m.put("gcMs", gcMillis);
            m.put("load", round(Math.max(loadBefore, loadAfter), 2));
            m.put("wallSec", round(wallSeconds, 3));
            return m;
        }

        private static double[] sorted(double[] values, int count) {
            double[] copy = Arrays.copyOf(values, count);
            Arrays.sort(copy);
            return copy;
        }

        /** Nearest-rank percentile of sorted values; NaN when there are none. */
        private static double pct(double[] sorted, int p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }

        private static double max(double[] sorted) {
            return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
        }

        private static double round(double v, int decimals) {
            if (Double.isNaN(v)) {
                return v;
            }
            double scale = Math.pow(10, decimals);
            return Math.round(v * scale) / scale;
        }
    }
}
