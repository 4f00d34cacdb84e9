package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.StateStore;
import dev.mcpwatch.store.ToolListStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import tools.jackson.databind.JsonNode;
import org.slf4j.LoggerFactory;

/**
 * Records each probe result in one transaction with everything it changes: the raw result, its
 * rollups, the tool list it saw, the monitor's state machine, what detection judges of it (the
 * {@link Assessor}) and the incident it opens, changes or resolves ({@link IncidentCourse}).
 * A crash at any moment leaves either all of it or none, so no incident is ever lost or doubled.
 *
 * <p>When the database cannot be written (full disk, database down), results wait here in order —
 * at most {@code capacity}, the oldest dropped beyond that and counted — and are written, state
 * machine and all, as soon as it can be written again.
 */
public final class ResultRecorder {
    private static final Logger log = LoggerFactory.getLogger(ResultRecorder.class);

    /**
     * What recording one result did: the transition, the incident it touched, and whether detection
     * is part-way through confirming a degradation or its end; or nothing yet (null) because the
     * result waits in memory.
     */
    public record Recorded(Transition transition, long resultId, Long incidentId, boolean confirming) {}

    private record Pending(MonitorConfig monitor, ProbeResult result, long finishedAt) {}

    private final Database db;
    private final String location;
    private final int capacity;
    private final StateStore states;
    private final ResultStore results = new ResultStore();
    private final RollupStore rollups;
    private final IncidentStore incidents = new IncidentStore();
    private final ToolListStore toolLists = new ToolListStore();
    private final List<TransitionHook> hooks = new CopyOnWriteArrayList<>();
    private final Events events;
    private volatile Assessor assessor = Assessor.NONE;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Object flushLock = new Object();
    private long dropped;
    private volatile boolean waiting;
    private volatile Long unwritableSince;
    private String lastError;

    public ResultRecorder(Database db, String location, int capacity, Events events) {
        this.db = db;
        this.events = events;
        this.location = location;
        this.capacity = capacity;
        this.states = new StateStore(db.dialect());
        this.rollups = new RollupStore(db.dialect());
    }

    public void addHook(TransitionHook hook) {
        hooks.add(hook);
    }

    /** Sets what judges each probe beyond up and down (detection); by default nothing does. */
    public void assessWith(Assessor assessor) {
        this.assessor = assessor;
    }

    /**
     * Records a result. Returns what it did, or null when the database could not be written and the
     * result waits in memory (behind any results already waiting, so order is kept).
     */
    public Recorded record(MonitorConfig monitor, ProbeResult result, long finishedAt) {
        // Fast path without the lock: a monitor's probes never overlap, so its results stay in order
        // as long as nothing waits; once something waits, everything queues behind it.
        if (!waiting) {
            try {
                Recorded r = db.transaction(c -> apply(c, monitor, result, finishedAt));
                if (unwritableSince != null) {
                    reportWritable();
                }
                return r;
            } catch (SQLException | RuntimeException e) {
                synchronized (flushLock) {
                    markUnwritable(e);
                    enqueue(new Pending(monitor, result, finishedAt));
                }
                return null;
            }
        }
        synchronized (flushLock) {
            enqueue(new Pending(monitor, result, finishedAt));
            return null;
        }
    }

    /** Writes waiting results, oldest first, until one fails. Returns how many were written. */
    public int flush() {
        int written = 0;
        synchronized (flushLock) {
            while (!pending.isEmpty()) {
                Pending p = pending.peekFirst();
                try {
                    db.transaction(c -> apply(c, p.monitor(), p.result(), p.finishedAt()));
                } catch (SQLException | RuntimeException e) {
                    markUnwritable(e);
                    break;
                }
                pending.pollFirst();
                written++;
            }
            waiting = !pending.isEmpty();
            if (pending.isEmpty() && written > 0) {
                log.info("database writable again: wrote {} results that waited in memory", written);
                markWritable();
            }
        }
        return written;
    }

    public StoreHealth health() {
        synchronized (flushLock) {
            return new StoreHealth(unwritableSince == null && pending.isEmpty(), unwritableSince, lastError, pending.size(), capacity, dropped);
        }
    }

    /** Marks the database unwritable from outside (a failed heartbeat), so /health says so before a probe fails. */
    public void reportUnwritable(Exception e) {
        synchronized (flushLock) {
            markUnwritable(e);
        }
    }

    public void reportWritable() {
        synchronized (flushLock) {
            if (pending.isEmpty()) {
                markWritable();
            }
        }
    }

    private Recorded apply(Connection c, MonitorConfig m, ProbeResult r, long finishedAt) throws SQLException {
        MonitorState before = states.lock(c, m.id());
        Long previousList = states.toolListId(c, m.id());
        Long listId = r.tools() == null ? null : toolLists.intern(c, r.tools(), finishedAt);
        long resultId = results.insert(c, m.id(), location, r, listId);
        rollups.add(c, m.id(), r);
        Observation obs = new Observation(resultId, r.startedAt().toEpochMilli(), finishedAt, r.failure());
        Transition t = IncidentTracker.apply(before, obs, m.failureThreshold(), m.successThreshold());
        Long incidentId = before.openIncidentId();
        Assessment assessment = assessor.assess(c, new RecordedProbe(m, r, resultId, finishedAt, listId, previousList, t, incidentId));
        IncidentStore.IncidentRow open = incidentId == null ? null : incidents.get(c, incidentId);
        Severity openSeverity = open == null || !"open".equals(open.status()) ? null : Severity.fromWireName(open.severityNow());
        IncidentCourse.Step step = IncidentCourse.decide(t, openSeverity, assessment.degradation(), finishedAt);
        boolean stillOpen = openSeverity != null;
        switch (step) {
            case IncidentCourse.Open o -> {
                incidentId = incidents.open(c, m.id(), o.asOpened(), o.severity(), resultId);
                stillOpen = true;
                events.publish(c, new MonitorEvent.IncidentOpened(m.id(), incidentId, o.severity(), o.failure(), o.onsetAt(), o.detectedAt(),
                        o.failingProbes()));
                log.warn("monitor {} is {} ({}): {} ({} layer, {}): {}", m.id(), o.outage() ? "DOWN" : "DEGRADED", o.severity().wireName(),
                        o.failure().reason().wireName(), o.failure().layer().wireName(), o.failure().phase().wireName(), o.failure().message());
            }
            case IncidentCourse.TakeOver o -> {
                incidents.takeOver(c, incidentId, o.outage(), openSeverity, o.severity(), resultId);
                if (o.severity() != openSeverity) {
                    events.publish(c, new MonitorEvent.SeverityChanged(m.id(), incidentId, openSeverity, o.severity(),
                            "outage confirmed: " + o.outage().failure().message(), finishedAt));
                }
                log.warn("monitor {} is DOWN ({}), during its degradation incident {}: {}", m.id(), o.severity().wireName(), incidentId,
                        o.outage().failure().message());
            }
            case IncidentCourse.Change ch -> {
                incidents.change(c, incidentId, openSeverity, ch.severity(), ch.headline(), finishedAt, ch.why());
                if (ch.severity() != openSeverity) {
                    events.publish(c, new MonitorEvent.SeverityChanged(m.id(), incidentId, openSeverity, ch.severity(), ch.why(), finishedAt));
                    log.info("monitor {}: incident {} is now {}: {}", m.id(), incidentId, ch.severity().wireName(), ch.why());
                }
            }
            case IncidentCourse.Resolve res -> {
                writeTimeline(c, incidentId, assessment, finishedAt);
                incidents.resolve(c, incidentId, res.at(), res.resolution());
                stillOpen = false;
                events.publish(c, new MonitorEvent.IncidentResolved(m.id(), incidentId, res.resolution(), res.at()));
                log.info("monitor {} recovered; incident {} resolved", m.id(), incidentId);
            }
            case IncidentCourse.Keep k -> { }
        }
        if (stillOpen && !(step instanceof IncidentCourse.Resolve)) {
            writeTimeline(c, incidentId, assessment, finishedAt);
        }
        if (t.failedDuringIncident(obs) && incidentId != null && stillOpen) {
            incidents.failedAgain(c, incidentId, resultId);
        }
        MonitorState next = t.next().withOpenIncident(stillOpen ? incidentId : null);
        if (listId != null) {
            toolLists.recordIfChanged(c, m.id(), previousList, listId, r.server() == null ? null : r.server().version(), finishedAt);
        }
        states.save(c, m.id(), next, resultId, r, listId);
        for (TransitionHook hook : hooks) {
            hook.onRecorded(c, m, r, resultId, t, incidentId);
        }
        return new Recorded(t, resultId, incidentId, assessment.confirming());
    }

    private void writeTimeline(Connection c, Long incidentId, Assessment assessment, long at) throws SQLException {
        if (incidentId == null) {
            return;
        }
        for (JsonNode note : assessment.timeline()) {
            incidents.event(c, incidentId, at, "condition", note);
        }
    }

    private void enqueue(Pending p) {
        if (pending.size() >= capacity) {
            pending.pollFirst();
            dropped++;
            if (dropped == 1 || dropped % 1000 == 0) {
                log.error("result buffer full ({} results waiting for the database): dropped the oldest; {} dropped so far",
                        capacity, dropped);
            }
        }
        pending.addLast(p);
        waiting = true;
    }

    private void markUnwritable(Exception e) {
        String why = db.describeWriteFailure(e);
        if (unwritableSince == null) {
            unwritableSince = System.currentTimeMillis();
            log.error("database cannot be written ({}); results wait in memory (up to {}) and probing continues", why, capacity);
        }
        lastError = why;
    }

    private void markWritable() {
        if (unwritableSince != null) {
            log.info("database is writable again");
        }
        unwritableSince = null;
        lastError = null;
    }
}
