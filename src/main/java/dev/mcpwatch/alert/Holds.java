package dev.mcpwatch.alert;

import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.monitor.MonitorRegistry;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.EscalationStore;
import dev.mcpwatch.store.EscalationStore.EscalationRow;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.OutboxStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets held alerts go when the maintenance window that held them is over (or was removed from the
 * configuration): an incident still open and unacknowledged is alerted now, its escalation counting
 * from now; alerts of an incident that resolved or was acknowledged meanwhile are cancelled (the
 * event that closed it normally cancels them already). Warnings held by a window are sent.
 */
final class Holds {
    private static final Logger log = LoggerFactory.getLogger(Holds.class);

    private final Database db;
    private final Supplier<AlertingConfig> config;
    private final MonitorRegistry registry;
    private final OutboxStore outbox;
    private final InstantSource clock;
    private final EscalationStore escalations = new EscalationStore();
    private final IncidentStore incidents = new IncidentStore();

    Holds(Database db, Supplier<AlertingConfig> config, MonitorRegistry registry, OutboxStore outbox, InstantSource clock) {
        this.db = db;
        this.config = config;
        this.registry = registry;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Releases what no window holds any more; returns how many outbox rows became due. */
    int round() throws SQLException {
        Set<String> monitors = new LinkedHashSet<>(db.read(outbox::heldMonitors));
        for (EscalationRow row : db.read(c -> escalations.held(c))) {
            Incident inc = db.read(c -> incidents.get(c, row.incidentId()));
            if (inc != null) {
                monitors.add(inc.monitorId());
            }
        }
        int released = 0;
        long now = clock.millis();
        for (String monitorId : monitors) {
            released += db.transaction(c -> release(c, monitorId, now));
        }
        return released;
    }

    private int release(Connection c, String monitorId, long now) throws SQLException {
        AlertingConfig cfg = config.get();
        MonitorInfo m = MonitorInfo.lookup(c, registry, monitorId);
        if (cfg.maintenanceAt(m.id(), m.tags(), Instant.ofEpochMilli(now)) != null) {
            return 0;
        }
        int released = 0;
        Set<Long> incidentIds = new LinkedHashSet<>(outbox.heldIncidents(c, monitorId));
        for (EscalationRow row : escalations.held(c)) {
            Incident inc = incidents.get(c, row.incidentId());
            if (inc != null && inc.monitorId().equals(monitorId)) {
                incidentIds.add(row.incidentId());
            }
        }
        for (Long id : incidentIds) {
            if (id == null) {
                released += outbox.releaseHeld(c, monitorId, null, now);
                continue;
            }
            Incident inc = incidents.get(c, id);
            if (inc != null && inc.open() && inc.acknowledgedAt() == null) {
                released += outbox.releaseHeld(c, monitorId, id, now);
                for (EscalationRow row : escalations.forIncident(c, id)) {
                    if (row.state() == EscalationStore.State.HELD) {
                        EscalationPolicy policy = cfg.policies().get(row.policy());
                        Duration first = policy == null ? null : policy.nextDelay(0, 0, row.severity());
                        escalations.advance(c, row, 0, 0, first == null ? EscalationStore.State.DONE : EscalationStore.State.ACTIVE,
                                first == null ? null : now + first.toMillis());
                    }
                }
                log.info("maintenance over for {}: incident {} is still open, its held alerts are sent now", monitorId, id);
            } else {
                outbox.cancelHeld(c, id, "closed while a maintenance window held it", now);
                escalations.stop(c, id, EscalationStore.State.RESOLVED);
            }
        }
        return released;
    }
}
