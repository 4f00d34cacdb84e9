package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.NodeStore;
import dev.mcpwatch.store.ScheduledTaskStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which schedule keeps the monitors probed. Normally the database's ({@link DatabaseSchedule});
 * when the database cannot be written for {@link #FAILURES_BEFORE_FALLBACK} heartbeats in a row, this
 * node's memory ({@link MemorySchedule}), while results wait in the recorder; back to the database's
 * once it takes writes again and the waiting results are in. The heartbeat is a write to this node's row.
 */
public final class Scheduling implements AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final int FAILURES_BEFORE_FALLBACK = 2;
    private static final Logger log = LoggerFactory.getLogger(Scheduling.class);

    public enum Mode { DATABASE, FALLBACK }

    private final Database db;
    private final MonitorRegistry registry;
    private final ProbeAndRecord runner;
    private final Retention retention;
    private final ResultRecorder recorder;
    private final String nodeName;
    private final String location;
    private final int maxConcurrent;
    private final Duration pollInterval;
    private final MemorySchedule fallback;
    private final Locations locations;
    private final Stagger stagger;
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mcpwatch-db-watch").factory());
    private final Lateness lateness = new Lateness();
    private final NodeStore nodes = new NodeStore();
    private final ScheduledTaskStore tasks = new ScheduledTaskStore();
    private final InstantSource clock;
    private final long startedAt;
    private volatile DatabaseSchedule scheduler;
    private volatile Mode mode = Mode.DATABASE;
    private int failures;
    private Runnable onDatabaseBack = () -> { };
    private MonitorEvents events;

    public Scheduling(Database db, MonitorRegistry registry, ProbeAndRecord runner, Retention retention, ResultRecorder recorder,
            String nodeName, String location, int maxConcurrent, Duration pollInterval, InstantSource clock) {
        this.db = db;
        this.registry = registry;
        this.runner = runner;
        this.retention = retention;
        this.recorder = recorder;
        this.nodeName = nodeName;
        this.location = location;
        this.maxConcurrent = maxConcurrent;
        this.pollInterval = pollInterval;
        this.locations = new Locations(location);
        this.stagger = new Stagger(location, locations::live);
        this.fallback = new MemorySchedule(registry, runner, stagger);
        recorder.afterCommit(new LookNow(db, location, clock));
        recorder.countLocationsLiveBy(locations::liveForQuorum);
        this.clock = clock;
        this.startedAt = clock.millis();
    }

    /** Runs after the database comes back (the app re-syncs the configuration it could not store). */
    public void onDatabaseBack(Runnable action) {
        this.onDatabaseBack = action;
    }

    /** Where a location's disappearance and recovery are published (alerting listens there); unset, they are only tracked. */
    public void announceLocationsTo(MonitorEvents events) {
        this.events = events;
    }

    public synchronized void start() {
        if (heartbeat()) {
            startScheduler();
        } else {
            enterFallback();
        }
        watch.scheduleWithFixedDelay(this::check, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Mode mode() {
        return mode;
    }

    /** Applies a configuration change to whichever scheduler is active. */
    public synchronized void apply(MonitorRegistry.Diff diff) {
        if (mode == Mode.DATABASE && scheduler != null) {
            try {
                scheduler.add(diff.added());
                scheduler.change(diff.changed());
                scheduler.remove(diff.removed());
            } catch (RuntimeException e) {
                log.warn("could not update the schedule ({}); retrying when the database is back", e.getMessage());
            }
        } else {
            fallback.add(diff.added());
        }
    }

    private synchronized void check() {
        try {
            boolean ok = heartbeat();
            if (ok) {
                failures = 0;
                recorder.reportWritable();
                announceLocations();
                if (recorder.health().pending() > 0) {
                    recorder.flush();
                }
                if (mode == Mode.FALLBACK && recorder.health().pending() == 0) {
                    leaveFallback();
                }
            } else if (++failures >= FAILURES_BEFORE_FALLBACK && mode == Mode.DATABASE) {
                enterFallback();
            }
        } catch (RuntimeException e) {
            log.error("database watch failed", e);
        }
    }

    private void announceLocations() {
        MonitorEvents to = events;
        if (to == null) {
            return;
        }
        long now = clock.millis();
        try {
            db.transaction(c -> {
                locations.announce(c, to, now);
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            log.warn("could not record which locations are live: {}", e.getMessage());
        }
    }

    private boolean heartbeat() {
        long now = clock.millis();
        try {
            db.transaction(c -> {
                nodes.heartbeat(c, nodeName, location, Prober.VERSION, startedAt, now);
                locations.refresh(c, now);
                return null;
            });
            return true;
        } catch (SQLException | RuntimeException e) {
            recorder.reportUnwritable(e instanceof Exception ex ? ex : new RuntimeException(e));
            return false;
        }
    }

    /**
     * Starts the scheduler before adding the monitors it does not know yet: adding is one insert per
     * monitor, and each is planned from the moment it is added, so an insert that waited for all the
     * others (10,000 took 12-46 s on PostgreSQL here) would start its monitor's first probe late.
     */
    private void startScheduler() {
        releaseOwnExecutions();
        scheduler = new DatabaseSchedule(db, registry, runner, retention, new Compaction(db, clock), nodeName, stagger, maxConcurrent,
                pollInterval, lateness, clock);
        scheduler.start();
        mode = Mode.DATABASE;
        scheduler.add(List.copyOf(registry.all()));
    }

    /**
     * Executions this node had picked when it died (or when its scheduler stopped for a database
     * outage) cannot be running now: give them back at once instead of waiting for their heartbeat to
     * go stale, so that probing resumes within one interval of a restart.
     */
    private void releaseOwnExecutions() {
        try {
            int released = db.transaction(c -> tasks.release(c, nodeName));
            if (released > 0) {
                log.info("took back {} probe executions this node had picked before it stopped", released);
            }
        } catch (SQLException e) {
            log.warn("could not take back this node's earlier executions ({}); they return after the heartbeat timeout", e.getMessage());
        }
    }

    private void enterFallback() {
        log.error("database cannot be written: probing continues from memory on this node until it is back");
        if (scheduler != null) {
            DatabaseSchedule s = scheduler;
            scheduler = null;
            Thread.ofVirtual().start(s::stop); // stopping waits for running probes; do not hold the watch
        }
        mode = Mode.FALLBACK;
        fallback.start();
    }

    private void leaveFallback() {
        log.info("database is back: handing probing back to the database scheduler");
        fallback.stop();
        onDatabaseBack.run();
        startScheduler();
    }

    @Override
    public synchronized void close() {
        watch.shutdownNow();
        fallback.shutdown();
        if (scheduler != null) {
            scheduler.stop();
        }
    }

    /** Tells {@code listener} how late each probe started against its planned time, in milliseconds. */
    public void onLateness(java.util.function.LongConsumer listener) {
        lateness.listen(listener);
    }

    /** How late probes started against their planned time, recently. */
    public Lateness.Summary lateness() {
        return lateness.summary();
    }

    /** The locations of the nodes on this database, as of this node's latest heartbeat. */
    public Locations locations() {
        return locations;
    }

    /** Monitors the active scheduler knows of (for /health). */
    public int monitors() {
        return registry.size();
    }

    List<MonitorConfig> snapshot() {
        return List.copyOf(registry.all());
    }
}
