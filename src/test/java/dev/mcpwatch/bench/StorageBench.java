package dev.mcpwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.monitor.Compaction;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Dialect;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Bytes on disk per probe: N monitors probed every 60 s for M minutes of simulated time, written
 * through the real write path ({@link ResultRecorder}: raw result, rollups, tool list, state, in one
 * transaction each), on SQLite and on PostgreSQL. Every probe is a copy of one real probe of a
 * {@link FleetServer} endpoint (the serve benchmark's fleet: legacy era, three tools), with its own
 * target, start time and phase timings (jittered ±30 %), so what repeats between probes repeats as it
 * does in a real fleet. Reports the bytes each table grew by per probe (SQLite {@code dbstat},
 * PostgreSQL {@code pg_total_relation_size}) as written and again once the closed hours' healthy
 * probes are packed into chunks ({@link Compaction}), and what that projects to after 90 days at the
 * default retention. A bench, not a test: it checks that every probe was written, never how big or fast.
 *
 * <p>Run: {@code mvn test -Dtest=StorageBench -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dbench.monitors=1000] [-Dbench.minutes=60] [-Dbench.stores=sqlite,postgres]}; the figures are in
 * {@code target/bench/storage.txt}.
 */
class StorageBench {
    static final int MONITORS = Integer.getInteger("bench.monitors", 1_000);
    static final int MINUTES = Integer.getInteger("bench.minutes", 60);
    static final List<String> STORES = List.of(System.getProperty("bench.stores", "sqlite,postgres").split(","));
    /** Projected fleet: 10,000 monitors every 60 s for 90 days. */
    static final long FLEET = 10_000;
    static final Duration HORIZON = Duration.ofDays(90);
    static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
    /** Tables with a row per monitor (rewritten, not added to, by later probes): projected per monitor, not per probe. */
    static final Set<String> PER_MONITOR = Set.of("probe_shapes", "monitor_keys", "monitor_state", "location_keys");
    /** The rollup tables and their resolutions: projected per row they keep. */
    static final Map<String, String> ROLLUPS = Map.of("rollup_minutes", "minute", "rollup_hours", "hour", "rollup_days", "day");

    private final StringBuilder out = new StringBuilder();

    @Test
    void bytesPerProbeByTable() throws Exception {
        ProbeResult template;
        try (FleetServer fleet = FleetServer.start(1, 0)) {
            template = new Prober().probe(ProbeSpec.http("http://127.0.0.1:" + fleet.port() + FleetServer.PREFIX + "0").build());
        }
        assertThat(template.healthy()).as("the template probe of the fleet endpoint").isTrue();
        print(String.format(Locale.ROOT, "storage bench: %,d monitors every 60 s for %d simulated minutes (%,d probes)%n", MONITORS, MINUTES,
                (long) MONITORS * MINUTES));
        for (String store : STORES) {
            try (Database db = store.equals("sqlite") ? Databases.sqlite() : Databases.postgres()) {
                run(db, template);
            }
        }
    }

    private void run(Database db, ProbeResult template) throws Exception {
        String name = db.dialect() == Dialect.SQLITE ? "SQLite" : "PostgreSQL";
        StringBuilder yaml = new StringBuilder("monitors:\n");
        for (int i = 0; i < MONITORS; i++) {
            yaml.append("  - id: fleet-").append(i).append("\n    url: http://127.0.0.1:9/mcp/").append(i).append('\n');
        }
        List<MonitorConfig> monitors = Results.monitors(yaml.toString());
        TestClock clock = new TestClock(T0);
        ResultRecorder recorder = new ResultRecorder(db, "default", 1_000, new Incidents(db, new MonitorEvents(), clock), clock);
        Map<String, Long> before = sizes(db);
        Random random = new Random(17);
        long written = 0;
        long t = System.nanoTime();
        for (int minute = 0; minute < MINUTES; minute++) {
            for (int i = 0; i < MONITORS; i++) {
                // each monitor at its own offset within the minute, as the scheduler spreads them
                Instant start = T0.plusSeconds(minute * 60L).plusMillis(i * 60_000L / MONITORS);
                ProbeResult r = Results.jittered(template, monitors.get(i).url(), start, random, null);
                clock.set(start.plusMillis((long) r.totalMs()));
                assertThat(recorder.record(monitors.get(i), r, clock.millis())).as("probe written").isNotNull();
                written++;
            }
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        print(String.format(Locale.ROOT, "%n%s: wrote %,d probes in %.0f s (%.0f probes/s)%n", name, written, seconds, written / seconds));
        growth(before, sizes(db), written);
        compact(db, clock);
        Map<String, Long> after = sizes(db);
        growth(before, after, written);
        project(db, after, before, written);
        if (db.dialect() == Dialect.POSTGRES) {
            // PostgreSQL keeps each version a probe's update made until vacuum (or pruning of a page, for HOT updates) gets to it;
            // a bucket whose hour is over keeps only its last
            for (String table : ROLLUPS.keySet()) {
                long rows = Databases.count(db, "SELECT COUNT(*) FROM " + table);
                if (rows == 0) {
                    continue;
                }
                db.read(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("VACUUM FULL " + table);
                    }
                    return null;
                });
                long compact = sizes(db).get(table);
                print(String.format(Locale.ROOT, "  %s after VACUUM FULL %,12d bytes  %8.1f B/row (a finished bucket)%n", table, compact,
                        (double) compact / rows));
            }
        }
    }

    /**
     * What 10,000 monitors every 60 s keep after 90 days at the default retention: each table's bytes
     * per probe times the probes it keeps (raw results for raw_retention), tables with a row per
     * monitor ({@link #PER_MONITOR}) their bytes per monitor times the fleet, the rollups by resolution
     * (minute rows for minute_rollup_retention, hour and day rows for rollup_retention), each table's
     * bytes per row times the rows it keeps.
     */
    private void project(Database db, Map<String, Long> after, Map<String, Long> before, long written) throws SQLException {
        StorageSettings d = StorageSettings.DEFAULT;
        long probesPerDay = FLEET * 1_440;
        double rawDays = Math.min(HORIZON.toDays(), d.rawRetention().toDays());
        Map<String, Double> byPart = new TreeMap<>();
        for (var e : after.entrySet()) {
            long grew = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (grew > 0 && PER_MONITOR.contains(e.getKey())) {
                byPart.merge("per monitor", (double) grew / MONITORS * FLEET, Double::sum);
            } else if (grew > 0 && !ROLLUPS.containsKey(e.getKey()) && !e.getKey().equals("scheduled_tasks")) {
                byPart.merge("raw (" + rawDays + " d)", (double) grew / written * probesPerDay * rawDays, Double::sum);
            }
        }
        for (var e : ROLLUPS.entrySet()) {
            long rows = Databases.count(db, "SELECT COUNT(*) FROM " + e.getKey());
            if (rows == 0) {
                continue;
            }
            double bytesPerRow = (double) (after.getOrDefault(e.getKey(), 0L) - before.getOrDefault(e.getKey(), 0L)) / rows;
            long perDay = switch (e.getValue()) {
                case "minute" -> FLEET * 1_440;
                case "hour" -> FLEET * 24;
                default -> FLEET;
            };
            double days = Math.min(HORIZON.toDays(), (e.getValue().equals("minute") ? d.minuteRollupRetention() : d.rollupRetention()).toDays());
            double payload = db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT AVG(LENGTH(figures)) FROM " + e.getKey())) {
                    rs.next();
                    return rs.getDouble(1);
                }
            });
            print(String.format(Locale.ROOT, "  rollups %-7s %,9d rows, %6.1f B/row (figures %.1f B)%n", e.getValue(), rows, bytesPerRow,
                    payload));
            byPart.put("rollups " + e.getValue() + " (" + days + " d)", bytesPerRow * perDay * days);
        }
        double sum = byPart.values().stream().mapToDouble(Double::doubleValue).sum();
        print(String.format(Locale.ROOT, "  projection, %,d monitors every 60 s, 90 days at default retention: %.1f GB%n", FLEET, sum / 1e9));
        byPart.forEach((k, v) -> print(String.format(Locale.ROOT, "    %-24s %8.1f GB%n", k, v / 1e9)));
    }

    private void growth(Map<String, Long> before, Map<String, Long> after, long written) {
        long total = 0;
        for (var e : after.entrySet()) {
            long grew = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (grew != 0) {
                print(String.format(Locale.ROOT, "  %-24s %,12d bytes  %8.1f B/probe%n", e.getKey(), grew, (double) grew / written));
                total += grew;
            }
        }
        print(String.format(Locale.ROOT, "  %-24s %,12d bytes  %8.1f B/probe%n", "total", total, (double) total / written));
    }

    /**
     * Packs the simulated hours' healthy probes once they have closed, as a running server does every
     * few minutes. PostgreSQL then rewrites probe_results so that only its live rows count: a running
     * server's table keeps the space of about an hour of rows, which autovacuum frees and the next
     * hour's rows reuse (a constant per monitor, not a cost per probe kept); SQLite moves freed pages
     * to its free list at once.
     */
    private void compact(Database db, TestClock clock) throws SQLException {
        clock.set(T0.plus(Duration.ofMinutes(MINUTES + 6)));
        long packed = new Compaction(db, clock).run();
        double payload = db.read(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT SUM(LENGTH(packed)), SUM(probes), COUNT(*) FROM probe_chunks")) {
                rs.next();
                return rs.getDouble(1) / Math.max(1, rs.getLong(2));
            }
        });
        print(String.format(Locale.ROOT, "  after packing %,d healthy probes of the closed hours into chunks (%.1f B of packed data a probe):%n",
                packed, payload));
        if (db.dialect() == Dialect.POSTGRES) {
            db.read(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("VACUUM FULL probe_results");
                }
                return null;
            });
        }
    }

    /** Bytes on disk by table, its indexes included. */
    private static Map<String, Long> sizes(Database db) throws SQLException {
        return db.read(c -> {
            Map<String, Long> out = new TreeMap<>();
            String sql = db.dialect() == Dialect.SQLITE
                    ? "SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name GROUP BY m.tbl_name"
                    : "SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables";
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    private void print(String s) {
        out.append(s);
        System.out.print(s);
        System.out.flush();
        try {
            Path file = Path.of("target/bench/storage.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, out.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
