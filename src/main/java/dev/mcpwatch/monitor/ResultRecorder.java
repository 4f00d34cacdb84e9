package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.Degradation;
import dev.mcpwatch.incident.MonitorState;
import dev.mcpwatch.incident.Observation;
import dev.mcpwatch.incident.Quorum;
import dev.mcpwatch.incident.Transition;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.LocationStateStore;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.StateStore;
import dev.mcpwatch.store.ToolListStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each probe result in one transaction with everything it changes: the raw result, its
 * rollups, the tool list it saw, this location's state machine and the monitor's state the quorum
 * of locations makes of it ({@link Quorum}), what detection judges of it (the {@link Assessor})
 * and the incident it opens, changes or resolves (through {@link Incidents}).
 * A crash at any moment leaves either all of it or none, so no incident is ever lost or doubled.
 *
 * <p>When the database cannot be written (full disk, database down), results wait here in order —
 * at most {@code capacity}, the oldest dropped beyond that and counted — and are written, state
 * machine and all, as soon as it can be written again.
 */
public final class ResultRecorder {
    private static final Logger log = LoggerFactory.getLogger(ResultRecorder.class);
    /** How many of its intervals a location may go without probing a monitor and still count for its quorum. */
    private static final int LIVE_INTERVALS = 3;

    /**
     * What recording one result did: the transition, the incident it touched, and whether detection
     * is part-way through confirming a degradation or its end; or nothing yet (null) because the
     * result waits in memory. {@code local} is the move of this node's location alone (its own
     * state machine), which the monitor's {@code transition} follows by quorum of the locations.
     */
    public record Recorded(Transition transition, long resultId, Long incidentId, boolean confirming, Transition local) {}

    private record Pending(MonitorConfig monitor, ProbeResult result, long finishedAt) {}

    private final Database db;
    private final String location;
    private final int capacity;
    private final StateStore states;
    private final LocationStateStore locations = new LocationStateStore();
    private final ResultStore results = new ResultStore();
    private final RollupStore rollups;
    private final ToolListStore toolLists = new ToolListStore();
    private final List<TransitionHook> hooks = new CopyOnWriteArrayList<>();
    private final List<Committed> committed = new CopyOnWriteArrayList<>();
    private final Incidents incidents;
    private final InstantSource clock;
    private volatile Assessor assessor = Assessor.NONE;
    private volatile ProbeObserver observer = ProbeObserver.NONE;
    private volatile Supplier<Set<String>> liveLocations = () -> null;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Object flushLock = new Object();
    private long dropped;
    private volatile boolean waiting;
    private volatile Long unwritableSince;
    private String lastError;

    /** {@code clock} dates a write failure (for /health); probes are recorded at the times they carry. */
    public ResultRecorder(Database db, String location, int capacity, Incidents incidents, InstantSource clock) {
        this.db = db;
        this.incidents = incidents;
        this.clock = clock;
        this.location = location;
        this.capacity = capacity;
        this.states = new StateStore(db.dialect());
        this.rollups = new RollupStore(db.dialect());
    }

    void addHook(TransitionHook hook) {
        hooks.add(hook);
    }

    /** Told of each recorded probe after its transaction committed: what it starts may take its time and read what was written. */
    @FunctionalInterface
    public interface Committed {
        void after(MonitorConfig monitor, Recorded recorded);
    }

    public void afterCommit(Committed listener) {
        committed.add(listener);
    }

    private void committed(MonitorConfig monitor, Recorded r) {
        for (Committed listener : committed) {
            try {
                listener.after(monitor, r);
            } catch (RuntimeException e) {
                log.error("a listener of recorded probes failed for monitor {}", monitor.id(), e);
            }
        }
    }

    /** Sets what is told of every probe and write (the metrics); by default nothing is. */
    public void observeWith(ProbeObserver observer) {
        this.observer = observer;
    }

    /**
     * Sets where the quorum learns which locations have a live node (the nodes' heartbeats): a
     * location whose nodes all died stops counting as soon as the heartbeats say so, not only once its
     * last probe is {@value #LIVE_INTERVALS} intervals old. Unset, or while the supplier gives null,
     * the probes' age alone decides.
     */
    public void countLocationsLiveBy(Supplier<Set<String>> live) {
        this.liveLocations = live;
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
        observer.probed(monitor.id(), result);
        if (!waiting) {
            try {
                long start = System.nanoTime();
                Recorded r = db.transaction(c -> apply(c, monitor, result, finishedAt));
                observer.written(System.nanoTime() - start);
                if (unwritableSince != null) {
                    reportWritable();
                }
                committed(monitor, r);
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
                Recorded r;
                try {
                    long start = System.nanoTime();
                    r = db.transaction(c -> apply(c, p.monitor(), p.result(), p.finishedAt()));
                    observer.written(System.nanoTime() - start);
                } catch (SQLException | RuntimeException e) {
                    markUnwritable(e);
                    break;
                }
                committed(p.monitor(), r);
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
        // The monitor's row is locked first: probes of one monitor from several locations are judged one at a time.
        MonitorState before = states.lock(c, m.id());
        Long previousList = states.toolListId(c, m.id());
        Long listId = r.tools() == null ? null : toolLists.intern(c, r.tools(), finishedAt);
        long resultId = results.insert(c, m.id(), location, r, listId);
        rollups.add(c, m.id(), location, r);
        Observation obs = new Observation(resultId, r.startedAt().toEpochMilli(), finishedAt, r.failure());
        List<Quorum.Location> all = new ArrayList<>(locations.all(c, m.id()));
        Quorum.Location here = all.stream().filter(l -> l.name().equals(location)).findFirst().orElse(Quorum.Location.initial(location));
        Transition local = here.state().after(obs, m.failureThreshold(), m.successThreshold());
        Quorum.Location now = here.after(local, obs, r.totalMs());
        all.remove(here);
        all.add(now);
        Quorum.Verdict verdict = Quorum.judge(all, liveLocations.get(), m.quorum(), finishedAt, liveWindow(m));
        Transition t = Quorum.monitorMove(before, local, verdict, obs);
        Assessment assessment = withRegional(assessor.assess(c, new RecordedProbe(m, r, resultId, finishedAt, listId, previousList, t,
                before.openIncidentId())), Quorum.regional(verdict, m.regionalSeverity()));
        Incidents.AfterProbe incident = incidents.afterProbe(c, m.id(), before.openIncidentId(), t, obs, assessment, resultId, finishedAt);
        Long incidentId = incident.incidentId();
        if (incident.open() && all.size() > 1 && !verdict.failing().isEmpty()) {
            incidents.failingFrom(c, incidentId, verdict.failingNames());
        }
        MonitorState next = t.next().withOpenIncident(incident.open() ? incidentId : null);
        if (listId != null) {
            toolLists.recordIfChanged(c, m.id(), previousList, listId, r.server() == null ? null : r.server().version(), finishedAt);
        }
        states.save(c, m.id(), next, resultId, r, listId);
        locations.save(c, m.id(), now, resultId);
        for (TransitionHook hook : hooks) {
            hook.onRecorded(c, m, r, resultId, t, incidentId);
        }
        return new Recorded(t, resultId, incidentId, assessment.confirming(), local);
    }

    /** A location whose last probe of the monitor is older than this no longer counts for its quorum. */
    static long liveWindow(MonitorConfig m) {
        return LIVE_INTERVALS * m.interval().toMillis();
    }

    /**
     * Detection's assessment with the regional degradation, if any: the incident follows the more
     * severe of the two (the regional one on a tie, since it names where the monitor fails).
     */
    private static Assessment withRegional(Assessment a, Degradation regional) {
        if (regional == null) {
            return a;
        }
        Degradation found = a.degradation();
        if (found != null && found.severity().higherThan(regional.severity())) {
            return a;
        }
        List<String> causes = new ArrayList<>(regional.causes());
        if (found != null) {
            causes.addAll(found.causes());
        }
        Degradation merged = new Degradation(regional.severity(), regional.headline(),
                found == null ? regional.since() : Math.min(found.since(), regional.since()), regional.failingProbes(), causes);
        return new Assessment(merged, a.timeline(), a.confirming());
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
            unwritableSince = clock.millis();
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
