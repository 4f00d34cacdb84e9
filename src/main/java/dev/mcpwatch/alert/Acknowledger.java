package dev.mcpwatch.alert;

import dev.mcpwatch.monitor.Events;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.IncidentStore.IncidentRow;
import java.sql.SQLException;
import java.util.NoSuchElementException;

/**
 * Acknowledges an incident, from wherever (the API, {@code mcpwatch ack}, a signed link): records
 * {@code acknowledged_at} and an {@code acknowledged} timeline event, and publishes
 * {@link MonitorEvent.IncidentAcknowledged} in the same transaction, which stops escalation and
 * sends the acknowledgement to the channels that take it. Acknowledging twice is harmless; a
 * resolved incident cannot be acknowledged.
 */
public final class Acknowledger {
    private final Database db;
    private final Events events;
    private final IncidentStore incidents = new IncidentStore();

    public Acknowledger(Database db, Events events) {
        this.db = db;
        this.events = events;
    }

    public enum Outcome { ACKNOWLEDGED, ALREADY_ACKNOWLEDGED, RESOLVED }

    public record Ack(Outcome outcome, IncidentRow incident) {}

    public Ack acknowledge(long incidentId, String by, String via) throws SQLException {
        String who = clean(by);
        return db.transaction(c -> {
            IncidentRow inc = incidents.get(c, incidentId);
            if (inc == null) {
                throw new NoSuchElementException("no incident " + incidentId);
            }
            long now = System.currentTimeMillis();
            if (!incidents.acknowledge(c, incidentId, now)) {
                IncidentRow current = incidents.get(c, incidentId);
                return new Ack("open".equals(current.status()) ? Outcome.ALREADY_ACKNOWLEDGED : Outcome.RESOLVED, current);
            }
            var detail = Json.object().put("by", who).put("via", via);
            incidents.event(c, incidentId, now, "acknowledged", detail);
            events.publish(c, new MonitorEvent.IncidentAcknowledged(inc.monitorId(), incidentId, who, now));
            return new Ack(Outcome.ACKNOWLEDGED, incidents.get(c, incidentId));
        });
    }

    /** Who acknowledged, as given: one line, printable, at most 100 characters; "someone" when empty. */
    static String clean(String by) {
        if (by == null || by.isBlank()) {
            return "someone";
        }
        String s = by.strip().replaceAll("\\p{Cntrl}", " ");
        return s.length() > 100 ? s.substring(0, 100) : s;
    }
}
