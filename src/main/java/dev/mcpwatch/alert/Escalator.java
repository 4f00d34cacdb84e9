package dev.mcpwatch.alert;

import dev.mcpwatch.alert.channel.Alert;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.MonitorRegistry;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.EscalationStore;
import dev.mcpwatch.store.EscalationStore.EscalationRow;
import dev.mcpwatch.store.IncidentStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes escalation steps that are due: an incident still open and unacknowledged when a step's
 * delay has passed is sent ({@code incident.escalated}) to that step's channels, and after the last
 * step, if the policy says so, reminders go to the last step's channels (or the route's, for a
 * policy of reminders only). Each step is taken by one node (a conditional update on the state it
 * read) in the same transaction as its outbox rows. A step due inside a maintenance window waits
 * for the window to end.
 */
final class Escalator {
    private static final Logger log = LoggerFactory.getLogger(Escalator.class);

    private final Database db;
    private final Supplier<AlertingConfig> config;
    private final MonitorRegistry registry;
    private final Payloads payloads;
    private final OutboxWriter writer;
    private final InstantSource clock;
    private final EscalationStore escalations = new EscalationStore();
    private final IncidentStore incidents = new IncidentStore();

    Escalator(Database db, Supplier<AlertingConfig> config, MonitorRegistry registry, Payloads payloads, OutboxWriter writer,
            InstantSource clock) {
        this.db = db;
        this.config = config;
        this.registry = registry;
        this.payloads = payloads;
        this.writer = writer;
        this.clock = clock;
    }

    /** Takes every due step; returns how many outbox rows that wrote. */
    int round() throws SQLException {
        long now = clock.millis();
        int written = 0;
        for (EscalationRow row : db.read(c -> escalations.due(c, now, 100))) {
            written += db.transaction(c -> step(c, row, now));
        }
        return written;
    }

    private int step(java.sql.Connection c, EscalationRow row, long now) throws SQLException {
        AlertingConfig cfg = config.get();
        Route route = cfg.route(row.route());
        EscalationPolicy policy = cfg.policies().get(row.policy());
        Incident inc = incidents.get(c, row.incidentId());
        if (route == null || policy == null || inc == null) {
            escalations.advance(c, row, row.stepsDone(), row.reminders(), EscalationStore.State.DONE, null);
            return 0;
        }
        if (!inc.open() || inc.acknowledgedAt() != null) {
            escalations.advance(c, row, row.stepsDone(), row.reminders(),
                    inc.acknowledgedAt() != null ? EscalationStore.State.ACKNOWLEDGED : EscalationStore.State.RESOLVED, null);
            return 0;
        }
        MonitorInfo m = MonitorInfo.lookup(c, registry, inc.monitorId());
        MaintenanceWindow window = cfg.maintenanceAt(m.id(), m.tags(), Instant.ofEpochMilli(now));
        if (window != null) {
            escalations.advance(c, row, row.stepsDone(), row.reminders(), EscalationStore.State.ACTIVE,
                    window.endOfOccurrence(Instant.ofEpochMilli(now)).toEpochMilli());
            return 0;
        }
        Severity severity = row.severity();
        int steps = policy.steps().size();
        boolean reminder = row.stepsDone() >= steps;
        int stepsDone = reminder ? row.stepsDone() : row.stepsDone() + 1;
        int reminders = reminder ? row.reminders() + 1 : row.reminders();
        List<String> channels = !reminder ? policy.steps().get(row.stepsDone()).channels()
                : steps > 0 ? policy.steps().get(steps - 1).channels() : route.channels();
        Duration next = policy.nextDelay(stepsDone, reminders, severity);
        boolean mine = escalations.advance(c, row, stepsDone, reminders, next == null ? EscalationStore.State.DONE : EscalationStore.State.ACTIVE,
                next == null ? null : now + next.toMillis());
        if (!mine) {
            return 0; // another node took this step
        }
        Alert alert = payloads.incident("incident.escalated", inc, m, incidents.failingLocations(c, inc), now,
                new Payloads.Extra(null, null, new Alert.Escalation(policy.name(), stepsDone, steps, reminder ? reminders : 0)));
        int written = 0;
        for (String channel : channels) {
            written += writer.write(c, cfg, route.name(), channel, alert, m, inc.id(), false);
        }
        log.warn("incident {} of {} unacknowledged: {} to {}", inc.id(), m.id(),
                reminder ? "reminder " + reminders : "escalation step " + stepsDone + " of " + steps, channels);
        return written;
    }
}
