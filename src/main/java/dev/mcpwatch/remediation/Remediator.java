package dev.mcpwatch.remediation;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.RemediationSettings;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.EscalationStore;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.RemediationStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Automatic remediation (PRODUCT.md §3): when a monitor with a {@code remediation:} is confirmed down
 * as a P1 with one of its reasons, run its action once — after the incident is committed, never on a
 * probe's thread — and watch for the recovery: the monitor is re-probed every retry_interval until
 * it recovers ("recovered 14 s after remediation") or the watch ends ("not recovered after 5 min",
 * and the incident's escalation moves to its next step at once).
 *
 * <p>Guards, each recorded on the timeline when it holds an attempt back: a cooldown and a limit
 * per hour per monitor, never inside a maintenance window that covers the monitor, never for a
 * monitor added from the dashboard or the API, one attempt at a time per monitor across every node
 * (a claimed row). Every attempt is on the incident's timeline — what ran, its exit code or HTTP
 * status, how long it took, the last lines of its output with secrets replaced — and alerted as
 * {@code incident.remediation} to the channels the incident was alerted on.
 */
public final class Remediator implements MonitorEvents.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Remediator.class);
    /** Timeline kinds: an attempt, its outcome, an attempt the guards held back. */
    public static final String ATTEMPT = "remediation";
    public static final String OUTCOME = "remediation_outcome";
    public static final String SKIPPED = "remediation_skipped";

    private final Database db;
    private final Incidents incidents;
    private final MonitorEvents events;
    private final Supplier<List<MaintenanceWindow>> maintenance;
    private final InstantSource clock;
    private final RemediationStore runs = new RemediationStore();
    private final IncidentStore incidentRows = new IncidentStore();
    private final MonitorStore monitors = new MonitorStore();
    private final EscalationStore escalations = new EscalationStore();
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mcpwatch-remediation").factory());

    public Remediator(Database db, Incidents incidents, MonitorEvents events, Supplier<List<MaintenanceWindow>> maintenance,
            InstantSource clock) {
        this.db = db;
        this.incidents = incidents;
        this.events = events;
        this.maintenance = maintenance;
        this.clock = clock;
    }

    /** Checks every second for watches that ended without a recovery. */
    public void start() {
        loop.scheduleWithFixedDelay(() -> {
            try {
                checkWatches();
            } catch (SQLException | RuntimeException e) {
                log.warn("remediation watches could not be checked: {}", e.getMessage());
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** Whether {@code monitorId} is being watched after a remediation (re-probed every retry_interval). */
    public boolean watched(String monitorId) {
        return watched.contains(monitorId);
    }

    /** After each recorded probe has committed: an outage just confirmed may call for the monitor's remediation. */
    public void after(MonitorConfig monitor, ResultRecorder.Recorded recorded) {
        RemediationSettings s = monitor.remediation();
        if (s == null || recorded.incidentId() == null || recorded.transition().opened() == null
                || !s.triggeredBy(recorded.transition().opened().failure().reason())) {
            return;
        }
        long incidentId = recorded.incidentId();
        Thread.ofVirtual().name("mcpwatch-remediation-" + monitor.id()).start(() -> {
            try {
                attempt(monitor, s, incidentId);
            } catch (SQLException | RuntimeException e) {
                log.error("the remediation of monitor {} (incident {}) failed to run: {}", monitor.id(), incidentId, e.getMessage(), e);
            }
        });
    }

    /** Runs the monitor's remediation for the incident once, if the guards let it. Returns the attempt's outcome, or null if held back. */
    Action.Outcome attempt(MonitorConfig monitor, RemediationSettings s, long incidentId) throws SQLException {
        long now = clock.millis();
        Long runId = db.transaction(c -> {
            Incident inc = incidentRows.get(c, incidentId);
            if (inc == null || !inc.open() || inc.severityNow() != Severity.P1) {
                // Only a confirmed outage is restarted (an incident a degradation opened counts once the outage takes it over).
                return null;
            }
            String why = heldBack(c, monitor, s, now);
            if (why == null) {
                long stale = now - s.timeout().plus(s.watch()).plus(Duration.ofMinutes(1)).toMillis();
                Long id = runs.claim(c, monitor.id(), incidentId, now, stale);
                if (id != null) {
                    return id;
                }
                why = "another remediation of this monitor is running";
            }
            incidents.note(c, incidentId, now, SKIPPED, Json.object().put("why", why));
            log.info("remediation of monitor {} held back: {}", monitor.id(), why);
            return null;
        });
        if (runId == null) {
            return null;
        }
        Action.Outcome outcome = Action.of(s).run();
        long at = clock.millis();
        String summary = outcome.summary();
        db.transaction(c -> {
            ObjectNode detail = Json.object().put("action", outcome.kind()).put("what", outcome.what()).put("ok", outcome.ok())
                    .put("duration_ms", outcome.durationMs()).put("summary", summary);
            if (outcome.exitCode() != null) {
                detail.put("exit_code", outcome.exitCode());
            }
            if (outcome.httpStatus() != null) {
                detail.put("http_status", outcome.httpStatus());
            }
            if (!outcome.output().isEmpty()) {
                detail.put("output", outcome.output());
            }
            incidents.note(c, incidentId, at, ATTEMPT, detail);
            if (outcome.ok()) {
                runs.acted(c, runId, at, at + s.watch().toMillis());
            } else {
                // Nothing will come of it: the next escalation step need not wait.
                runs.finish(c, runId, at, "failed");
                escalations.hurry(c, incidentId, at);
            }
            events.publish(c, new MonitorEvent.Remediated(monitor.id(), incidentId, outcome.ok() ? "ran" : "failed", summary, at));
            return null;
        });
        if (outcome.ok()) {
            watched.add(monitor.id());
        }
        log.info("remediation of monitor {} (incident {}): {}", monitor.id(), incidentId, summary);
        return outcome;
    }

    /** Why the guards hold an attempt back, or null. */
    private String heldBack(Connection c, MonitorConfig monitor, RemediationSettings s, long now) throws SQLException {
        MonitorStore.MonitorRow row = monitors.get(c, monitor.id());
        if (row != null && "api".equals(row.source())) {
            return "monitors added from the dashboard or the API never run remediation";
        }
        Instant t = Instant.ofEpochMilli(now);
        for (MaintenanceWindow w : maintenance.get()) {
            if (w.covers(monitor.id(), monitor.tags()) && w.activeAt(t)) {
                return "inside maintenance window " + w.name();
            }
        }
        List<RemediationStore.Run> lastHour = runs.since(c, monitor.id(), now - Duration.ofHours(1).toMillis());
        if (lastHour.size() >= s.maxPerHour()) {
            return "already " + lastHour.size() + " attempts in the last hour (max_per_hour " + s.maxPerHour() + ")";
        }
        List<RemediationStore.Run> recent = runs.since(c, monitor.id(), now - s.cooldown().toMillis());
        if (!recent.isEmpty()) {
            return "the last attempt was " + (now - recent.getFirst().startedAt()) / 1000 + " s ago (cooldown "
                    + dev.mcpwatch.config.Durations.pretty(s.cooldown()) + ")";
        }
        return null;
    }

    /** The incident resolved: if a remediation was being watched, it worked. Inside the resolving transaction. */
    @Override
    public void on(Connection c, MonitorEvent event) throws SQLException {
        if (!(event instanceof MonitorEvent.IncidentResolved r)) {
            return;
        }
        RemediationStore.Run run = runs.watching(c, r.incidentId());
        if (run == null) {
            return;
        }
        boolean recovered = "recovered".equals(r.resolution());
        long after = r.at() - run.actedAt();
        String summary = recovered ? "recovered " + seconds(after) + " after remediation"
                : "incident closed (" + r.resolution() + ") " + seconds(after) + " after remediation";
        runs.finish(c, run.id(), r.at(), recovered ? "recovered" : "closed");
        if (recovered) {
            incidents.creditRemediation(c, r.incidentId());
        }
        incidents.note(c, r.incidentId(), r.at(), OUTCOME, Json.object().put("outcome", recovered ? "recovered" : "closed")
                .put("after_ms", after).put("summary", summary));
        watched.remove(r.monitorId());
    }

    /** Watches that ended without a recovery: recorded, alerted, and escalation moves on. */
    void checkWatches() throws SQLException {
        long now = clock.millis();
        for (RemediationStore.Run run : db.read(c -> runs.watchOver(c, now))) {
            boolean finished = db.transaction(c -> {
                if (runs.watching(c, run.incidentId()) == null) {
                    return false; // resolved meanwhile, or taken by another node
                }
                String summary = "not recovered " + minutes(now - run.actedAt()) + " after remediation";
                runs.finish(c, run.id(), now, "not_recovered");
                incidents.note(c, run.incidentId(), now, OUTCOME, Json.object().put("outcome", "not_recovered")
                        .put("after_ms", now - run.actedAt()).put("summary", summary));
                escalations.hurry(c, run.incidentId(), now);
                events.publish(c, new MonitorEvent.Remediated(run.monitorId(), run.incidentId(), "not_recovered", summary, now));
                return true;
            });
            if (finished) {
                log.warn("monitor {} not recovered after its remediation (incident {}); escalation moves on", run.monitorId(), run.incidentId());
            }
        }
        List<String> watching = db.read(runs::watchedMonitors); // this node's and the others'
        watched.retainAll(watching);
        watched.addAll(watching);
    }

    private static String seconds(long ms) {
        return Math.max(0, ms) / 1000 + " s";
    }

    private static String minutes(long ms) {
        long s = Math.max(0, ms) / 1000;
        return s < 120 ? s + " s" : s / 60 + " min";
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
