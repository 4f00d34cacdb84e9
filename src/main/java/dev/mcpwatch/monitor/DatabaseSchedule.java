package dev.mcpwatch.monitor;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.event.SchedulerListener;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.ScheduledTaskStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probing scheduled over the database with db-scheduler: one task per location ({@code probe} for the
 * default location, {@code probe@NAME} for the others) with one instance per monitor that the
 * location probes, picked by exactly one node at a time (PostgreSQL's SKIP LOCKED when several nodes
 * share the database), its next execution time written when the probe completes. A node registers
 * only its own location's task: db-scheduler never picks an execution of a task it does not know
 * (it marks the name unresolved and filters it out of its polls), so a node never runs another
 * location's probes, and a dead node's executions are revived only by a node of its location. A
 * node that dies stops heartbeating, and after {@link #MISSED_HEARTBEATS} missed beats another node
 * of its location revives its executions. Probes run on virtual threads, so a slow server only holds its own.
 */
final class DatabaseSchedule {
    static final String PROBE_TASK = "probe";
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    static final int MISSED_HEARTBEATS = 4;
    private static final Logger log = LoggerFactory.getLogger(DatabaseSchedule.class);

    private static final int BATCH = 1_000;
    /**
     * db-scheduler deletes every execution of a task name it has seen unresolved for longer than this
     * (14 days by default): here, the other locations' probes. A location is never "unresolved" for
     * that reason, so the deletion is put out of reach.
     */
    static final Duration KEEP_OTHER_LOCATIONS = Duration.ofDays(36_500);

    private final Scheduler scheduler;
    private final CustomTask<Void> probe;
    private final Database db;
    private final InstantSource clock;
    private final Stagger stagger;
    private final String task;

    /**
     * {@code clock} is what this class plans by (first runs, the next run after a probe, lateness);
     * db-scheduler keeps its own clock for when it picks executions.
     */
    DatabaseSchedule(Database db, MonitorRegistry registry, ProbeAndRecord runner, Retention retention, Compaction compaction,
            String nodeName, int maxConcurrent, Lateness lateness, InstantSource clock) {
        this(db, registry, runner, retention, compaction, nodeName, new Stagger(Stagger.DEFAULT_LOCATION, List::of), maxConcurrent,
                ServerSettings.DEFAULT_POLL_INTERVAL, lateness, clock);
    }

    /**
     * {@code pollInterval} is how often db-scheduler looks for due executions when it has none in
     * hand: an execution that comes due waits for the next look, so lateness on a node that keeps up
     * is spread evenly between 0 and this.
     */
    DatabaseSchedule(Database db, MonitorRegistry registry, ProbeAndRecord runner, Retention retention, Compaction compaction,
            String nodeName, Stagger stagger, int maxConcurrent, Duration pollInterval, Lateness lateness, InstantSource clock) {
        this.db = db;
        this.clock = clock;
        this.stagger = stagger;
        this.task = stagger.taskName();
        this.probe = Tasks.custom(task, Void.class)
                .onDeadExecutionRevive()
                .execute((instance, context) -> {
                    MonitorConfig m = registry.get(instance.getId());
                    if (m == null || !stagger.probesHere(m)) {
                        return (complete, ops) -> ops.remove(); // gone, or no longer probed from this location
                    }
                    Instant planned = context.getExecution().executionTime;
                    lateness.record(clock.millis() - planned.toEpochMilli());
                    if (m.paused()) {
                        Instant next = stagger.next(m, planned, m.interval(), clock.instant());
                        return (complete, ops) -> ops.reschedule(complete, next);
                    }
                    Duration delay = runner.runOnce(m);
                    Instant next = stagger.next(m, planned, delay, clock.instant());
                    return (complete, ops) -> ops.reschedule(complete, next);
                });
        RecurringTask<Void> cleanup = Tasks.recurring("retention", FixedDelay.of(Retention.EVERY))
                .execute((instance, context) -> retention.run());
        RecurringTask<Void> pack = Tasks.recurring("compaction", FixedDelay.of(Compaction.EVERY))
                .execute((instance, context) -> compaction.run());
        var builder = Scheduler.create(db.writes(), probe)
                .startTasks(cleanup, pack)
                .schedulerName(new SchedulerName.Fixed(nodeName))
                .threads(maxConcurrent)
                .executorService(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mcpwatch-probe-", 0)
                        .uncaughtExceptionHandler((t, e) -> log.warn("a probe execution could not be completed in the database: {}",
                                e.getMessage()))
                        .factory()))
                .pollingInterval(pollInterval)
                .heartbeatInterval(HEARTBEAT)
                .missedHeartbeatsLimit(MISSED_HEARTBEATS)
                .shutdownMaxWait(Duration.ofSeconds(5))
                .deleteUnresolvedAfter(KEEP_OTHER_LOCATIONS)
                .enableImmediateExecution();
        if (db.dialect().skipsLockedRows()) {
            builder.pollUsingLockAndFetch(0.5, 1.0); // several nodes poll without colliding
        }
        this.scheduler = builder.build();
    }

    void start() {
        scheduler.start();
    }

    /** Tells {@code listener} what the scheduler does (each poll for due executions is a {@code RAN_EXECUTE_DUE}). */
    void listen(SchedulerListener listener) {
        scheduler.registerSchedulerListener(listener);
    }

    void stop() {
        scheduler.stop();
    }

    /** Schedules the monitors this location probes that have no execution yet, at this location's offset of their interval. */
    void add(Collection<MonitorConfig> all) {
        List<MonitorConfig> monitors = all.stream().filter(stagger::probesHere).toList();
        if (monitors.size() <= BATCH) {
            for (MonitorConfig m : monitors) {
                scheduler.scheduleIfNotExists(probe.instance(m.id()), stagger.first(m, clock.instant()));
            }
            return;
        }
        // Thousands of monitors at start-up: one query for what exists, then batched inserts, instead
        // of a round trip per monitor (which made start-up take minutes at 30,000 monitors).
        Set<String> existing = existingInstances();
        List<MonitorConfig> missing = monitors.stream().filter(m -> !existing.contains(m.id())).toList();
        for (int from = 0; from < missing.size(); from += BATCH) {
            List<MonitorConfig> chunk = missing.subList(from, Math.min(missing.size(), from + BATCH));
            Instant now = clock.instant();
            List<SchedulableInstance<?>> batch = new ArrayList<>(chunk.size());
            chunk.forEach(m -> batch.add(SchedulableInstance.of(probe.instance(m.id()), stagger.first(m, now))));
            try {
                scheduler.scheduleBatch(batch);
            } catch (RuntimeException e) {
                // another node scheduled some of these meanwhile: fall back to one at a time for this chunk
                chunk.forEach(m -> scheduler.scheduleIfNotExists(probe.instance(m.id()), stagger.first(m, clock.instant())));
            }
        }
    }

    private Set<String> existingInstances() {
        try {
            return db.read(c -> new ScheduledTaskStore().instances(c, task));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the scheduled probes: " + e.getMessage(), e);
        }
    }

    /**
     * Moves changed monitors onto their new interval (within one interval of the change); a monitor
     * that no longer lists this location loses its execution here, one that now lists it gains one.
     */
    void change(Collection<MonitorConfig> monitors) {
        for (MonitorConfig m : monitors) {
            if (!stagger.probesHere(m)) {
                remove(List.of(m.id()));
                continue;
            }
            try {
                if (planned(m.id()).isEmpty()) {
                    add(List.of(m)); // db-scheduler's reschedule throws for an execution that does not exist
                } else {
                    scheduler.reschedule(TaskInstanceId.of(task, m.id()), stagger.first(m, clock.instant()));
                }
            } catch (RuntimeException e) {
                // running right now: its completion reads the new configuration anyway
                log.debug("could not reschedule {} (running?): {}", m.id(), e.getMessage());
            }
        }
    }

    void remove(Collection<String> ids) {
        for (String id : ids) {
            try {
                scheduler.cancel(TaskInstanceId.of(task, id));
            } catch (RuntimeException e) {
                // running or already gone (or never here): its completion finds no monitor here and removes the execution
                log.debug("could not cancel {}: {}", id, e.getMessage());
            }
        }
    }

    /** When this location's next probe of {@code monitorId} is planned; empty when it has none. */
    Optional<Instant> planned(String monitorId) {
        return scheduler.getScheduledExecution(TaskInstanceId.of(task, monitorId)).map(e -> e.getExecutionTime());
    }

    /** A stable offset within the interval, so that many monitors do not fire in the same second. */
    static Duration spread(MonitorConfig m) {
        long interval = m.interval().toMillis();
        return Duration.ofMillis(Math.floorMod(m.id().hashCode() * 2654435761L, interval));
    }
}
