package dev.mcpwatch.dashboard;

import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.OutboxStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What alerting shows and does on the incident page: acknowledging (the same acknowledgement the
 * API, the CLI and the signed links make, which stops escalation and is sent to the channels that
 * take it) and every delivery attempt of the incident's alerts.
 */
final class AlertingOnIncidentPage implements IncidentAlerting {
    private final Database db;
    private final Incidents incidents;
    private final OutboxStore outbox;

    AlertingOnIncidentPage(Database db, Incidents incidents) {
        this.db = db;
        this.incidents = incidents;
        this.outbox = new OutboxStore(db.dialect());
    }

    @Override
    public boolean canAcknowledge() {
        return true;
    }

    @Override
    public void acknowledge(long incidentId, String by) throws Exception {
        Incidents.Ack ack = incidents.acknowledge(incidentId, by, "dashboard");
        if (ack.outcome() == Incidents.AckOutcome.RESOLVED) {
            throw new IllegalStateException("incident " + incidentId + " is resolved; there is nothing to acknowledge");
        }
    }

    @Override
    public List<AttemptLine> deliveries(long incidentId) throws Exception {
        List<OutboxStore.OutboxRow> rows = db.read(c -> outbox.forIncident(c, incidentId));
        Map<Long, List<OutboxStore.AttemptRow>> attempts = db.read(c -> outbox.attempts(c, rows.stream().map(OutboxStore.OutboxRow::id).toList()));
        List<AttemptLine> out = new ArrayList<>();
        for (OutboxStore.OutboxRow row : rows) {
            List<OutboxStore.AttemptRow> tried = attempts.getOrDefault(row.id(), List.of());
            if (tried.isEmpty()) {
                out.add(new AttemptLine(row.createdAt(), row.channel(), row.event(), row.status(), 0,
                        row.lastError() == null ? "not attempted yet" : row.lastError()));
            }
            for (OutboxStore.AttemptRow a : tried) {
                String detail = (a.responseCode() == null ? "" : "HTTP " + a.responseCode() + ", ") + a.latencyMs() + " ms"
                        + (a.error() == null ? "" : ", " + a.error());
                out.add(new AttemptLine(a.startedAt(), row.channel(), row.event(), a.outcome(), a.attempt(), detail));
            }
        }
        out.sort(java.util.Comparator.comparingLong(AttemptLine::at));
        return out;
    }

    /** Wired in by {@code App}: the dashboard's incident page with acknowledgements and alerting's deliveries. */
    static IncidentAlerting of(Database db, Incidents incidents) {
        return new AlertingOnIncidentPage(db, incidents);
    }
}
