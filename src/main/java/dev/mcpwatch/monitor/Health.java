package dev.mcpwatch.monitor;

import dev.mcpwatch.config.ConfigStatus;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.MonitorStore;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code /health} reports of this node: whether results reach the database, how probing runs
 * (scheduled by the database or from memory), how many monitors by status, how late probes start,
 * and where the configuration stands. Degraded while results wait in memory or the configuration
 * file on disk does not load.
 */
public final class Health implements Supplier<HealthReport> {
    private final Database db;
    private final ResultRecorder recorder;
    private final Scheduling scheduling;
    private final MonitorRegistry registry;
    private final String node;
    private final InstantSource clock;
    private final long startedAt;
    private final Supplier<ConfigStatus> config;
    private final MonitorStore monitors = new MonitorStore();

    /** {@code config} says where the watched configuration stands, or gives null when no file is watched. */
    public Health(Database db, ResultRecorder recorder, Scheduling scheduling, MonitorRegistry registry, String node, InstantSource clock,
            Supplier<ConfigStatus> config) {
        this.db = db;
        this.recorder = recorder;
        this.scheduling = scheduling;
        this.registry = registry;
        this.node = node;
        this.clock = clock;
        this.startedAt = clock.millis();
        this.config = config;
    }

    @Override
    public HealthReport get() {
        var store = recorder.health();
        Map<String, Long> byStatus = null;
        try {
            byStatus = db.read(monitors::countByStatus);
        } catch (SQLException | RuntimeException e) {
            // the database is away: the report says so below
        }
        String kind = db.dialect().name().toLowerCase(Locale.ROOT);
        ConfigStatus watched = config.get();
        // Degraded, too, while the file on disk does not load: the configuration in force is not the one the operator wrote.
        boolean configOk = watched == null || watched.lastError() == null;
        return new HealthReport(store.writable() && configOk ? "ok" : "degraded", Prober.VERSION, node, (clock.millis() - startedAt) / 1000,
                new HealthReport.Database(kind, store, db.freeBytes()),
                new HealthReport.Probing(scheduling.mode().name().toLowerCase(Locale.ROOT), registry.size(), byStatus, scheduling.lateness()),
                watched);
    }
}
