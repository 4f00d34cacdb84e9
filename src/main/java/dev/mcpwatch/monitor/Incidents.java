package dev.mcpwatch.monitor;

import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentCourse;
import dev.mcpwatch.incident.Observation;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.incident.Transition;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.LocationStateStore;
import dev.mcpwatch.store.StateStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The one way an incident changes: opened, taken over by an outage, changed, resolved (after a
 * probe, or because its monitor was removed), acknowledged, notified, or noted on its timeline.
 * Each change is written with its timeline entry and published as a {@link MonitorEvent} in the
 * caller's transaction, so alerts and status pages commit or roll back with it. What happens is
 * decided by the rules of {@code dev.mcpwatch.incident}; this class only carries it out.
 */
public final class Incidents {
    private static final Logger log = LoggerFactory.getLogger(Incidents.class);
    static final String MONITOR_REMOVED = "monitor removed";

    /** How an acknowledgement went. Acknowledging twice is harmless; a resolved incident cannot be acknowledged. */
    public enum AckOutcome { ACKNOWLEDGED, ALREADY_ACKNOWLEDGED, RESOLVED }

    public record Ack(AckOutcome outcome, Incident incident) {
        /** How the API and the MCP tool answer an acknowledgement that was carried out (not {@code RESOLVED}). */
        public java.util.Map<String, Object> answer() {
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            out.put("id", incident.id());
            out.put("outcome", outcome == AckOutcome.ACKNOWLEDGED ? "acknowledged" : "already_acknowledged");
            out.put("acknowledgedAt", incident.acknowledgedAt());
            out.put("status", incident.status());
            return out;
        }
    }

    /** What a probe did to its monitor's incident: the one it touched (null when none), and whether that is open afterwards. */
    record AfterProbe(Long incidentId, boolean open) {}

    private final Database db;
    private final MonitorEvents events;
    private final InstantSource clock;
    private final IncidentStore store = new IncidentStore();
    private final StateStore states;
    private final LocationStateStore locations = new LocationStateStore();

    public Incidents(Database db, MonitorEvents events, InstantSource clock) {
        this.db = db;
        this.events = events;
        this.clock = clock;
        this.states = new StateStore(db.dialect());
    }

    /**
     * Carries out what {@link IncidentCourse} decides after a probe, in the transaction that records
     * it: the state machine's move {@code t}, what detection found ({@code assessment}), the incident
     * open before ({@code openId}). Detection's timeline notes go to whichever incident is open.
     */
    AfterProbe afterProbe(Connection c, String monitorId, Long openId, Transition t, Observation obs, Assessment assessment, long resultId,
            long at) throws SQLException {
        Incident open = openId == null ? null : store.get(c, openId);
        Severity openSeverity = open == null || !open.open() ? null : open.severityNow();
        IncidentCourse.Step step = IncidentCourse.decide(t, openSeverity, assessment.degradation(), at);
        Long incidentId = openId;
        boolean stillOpen = openSeverity != null;
        switch (step) {
            case IncidentCourse.Open o -> {
                incidentId = store.open(c, monitorId, o.asOpened(), o.severity(), resultId);
                stillOpen = true;
                events.publish(c, new MonitorEvent.IncidentOpened(monitorId, incidentId, o.severity(), o.failure(), o.onsetAt(),
                        o.detectedAt(), o.failingProbes()));
                log.warn("monitor {} is {} ({}): {} ({} layer, {}): {}", monitorId, o.outage() ? "DOWN" : "DEGRADED", o.severity().wireName(),
                        o.failure().reason().wireName(), o.failure().layer().wireName(), o.failure().phase().wireName(), o.failure().message());
            }
            case IncidentCourse.TakeOver o -> {
                store.takeOver(c, incidentId, o.outage(), openSeverity, o.severity(), resultId);
                if (o.severity() != openSeverity) {
                    events.publish(c, new MonitorEvent.SeverityChanged(monitorId, incidentId, openSeverity, o.severity(),
                            "outage confirmed: " + o.outage().failure().message(), at));
                }
                log.warn("monitor {} is DOWN ({}), during its degradation incident {}: {}", monitorId, o.severity().wireName(), incidentId,
                        o.outage().failure().message());
            }
            case IncidentCourse.Change ch -> {
                store.change(c, incidentId, openSeverity, ch.severity(), ch.headline(), at, ch.why());
                if (ch.severity() != openSeverity) {
                    events.publish(c, new MonitorEvent.SeverityChanged(monitorId, incidentId, openSeverity, ch.severity(), ch.why(), at));
                    log.info("monitor {}: incident {} is now {}: {}", monitorId, incidentId, ch.severity().wireName(), ch.why());
                }
            }
            case IncidentCourse.Resolve res -> {
                notes(c, incidentId, assessment, at);
                resolve(c, monitorId, incidentId, res.at(), res.resolution());
                stillOpen = false;
                log.info("monitor {} recovered; incident {} resolved", monitorId, incidentId);
            }
            case IncidentCourse.Keep k -> { }
        }
        if (stillOpen && !(step instanceof IncidentCourse.Resolve)) {
            notes(c, incidentId, assessment, at);
        }
        if (t.failedDuringIncident(obs) && incidentId != null && stillOpen) {
            store.failedAgain(c, incidentId, resultId);
        }
        return new AfterProbe(incidentId, stillOpen);
    }

    /** Several locations probe the monitor and these confirmed it down: the incident's alerts name them (with any named before). */
    void failingFrom(Connection c, long incidentId, List<String> locations) throws SQLException {
        store.addFailingLocations(c, incidentId, locations);
    }

    /**
     * A monitor stopped being monitored (removed from the file, deleted from the dashboard): its open
     * incident, if any, resolves as "monitor removed" and its state machine starts over.
     */
    public void resolveRemoved(Connection c, String monitorId) throws SQLException {
        Incident open = store.openFor(c, monitorId);
        if (open != null) {
            resolve(c, monitorId, open.id(), clock.millis(), MONITOR_REMOVED);
            states.clearIncident(c, monitorId);
            locations.clear(c, monitorId);
        }
    }

    /**
     * Acknowledges an incident, from wherever (the API, {@code mcpwatch ack}, a signed link, the
     * dashboard): records {@code acknowledged_at} and an {@code acknowledged} timeline entry, and
     * publishes {@link MonitorEvent.IncidentAcknowledged}, which stops escalation and tells the
     * channels that take acknowledgements. {@code by} is cleaned ({@link #who}).
     */
    public Ack acknowledge(long incidentId, String by, String via) throws SQLException {
        String who = who(by);
        return db.transaction(c -> {
            Incident inc = store.get(c, incidentId);
            if (inc == null) {
                throw new NoSuchElementException("no incident " + incidentId);
            }
            long now = clock.millis();
            if (!store.acknowledge(c, incidentId, now)) {
                Incident current = store.get(c, incidentId);
                return new Ack(current.open() ? AckOutcome.ALREADY_ACKNOWLEDGED : AckOutcome.RESOLVED, current);
            }
            store.event(c, incidentId, now, "acknowledged", Json.object().put("by", who).put("via", via));
            events.publish(c, new MonitorEvent.IncidentAcknowledged(inc.monitorId(), incidentId, who, now));
            return new Ack(AckOutcome.ACKNOWLEDGED, store.get(c, incidentId));
        });
    }

    /**
     * An alert of the incident reached someone: the first time ends its time to detect
     * ({@code notified_at}) and goes on its timeline; later ones change nothing.
     */
    public void notified(Connection c, long incidentId, String channel, String event, long deliveryId, long at) throws SQLException {
        if (store.notified(c, incidentId, at)) {
            store.event(c, incidentId, at, "notified", Json.object().put("channel", channel).put("event", event).put("delivery", deliveryId));
        }
    }

    /**
     * The incident just recovered while mcpwatch's remediation was being watched: the recovery is the
     * remediation's, and the reliability record counts it (and its time to restore) as remediated,
     * apart from the incidents people restored. In the resolving transaction.
     */
    public void creditRemediation(Connection c, long incidentId) throws SQLException {
        store.creditRemediation(c, incidentId);
    }

    /** Adds an entry to an incident's timeline that changes nothing else (a public status update). */
    public void note(Connection c, long incidentId, long at, String kind, JsonNode detail) throws SQLException {
        store.event(c, incidentId, at, kind, detail);
    }

    private void resolve(Connection c, String monitorId, long incidentId, long at, String resolution) throws SQLException {
        // The record tells a withdrawn incident (nothing was restored) from one that recovered.
        store.resolve(c, incidentId, at, resolution, MONITOR_REMOVED.equals(resolution) ? "removal" : "recovery");
        events.publish(c, new MonitorEvent.IncidentResolved(monitorId, incidentId, resolution, at));
    }

    private void notes(Connection c, Long incidentId, Assessment assessment, long at) throws SQLException {
        if (incidentId == null) {
            return;
        }
        for (JsonNode note : assessment.timeline()) {
            store.event(c, incidentId, at, "condition", note);
        }
    }

    /** Who acknowledged, as given: one line, printable, at most 100 characters; "someone" when empty. */
    static String who(String by) {
        if (by == null || by.isBlank()) {
            return "someone";
        }
        String s = by.strip().replaceAll("\\p{Cntrl}", " ");
        return s.length() > 100 ? s.substring(0, 100) : s;
    }
}
