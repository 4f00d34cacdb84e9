package dev.mcpwatch.store;

import dev.mcpwatch.incident.Severity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Escalation state per incident and route. Moving a step is a conditional update on the state the
 * worker read, so with several nodes exactly one of them takes each step.
 */
public final class EscalationStore {

    /** Where an escalation stands: running, held by a maintenance window, or stopped for good (and why). */
    public enum State {
        ACTIVE, HELD, ACKNOWLEDGED, RESOLVED, DONE;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record EscalationRow(long incidentId, String route, String policy, Severity severity, int stepsDone, int reminders, State state,
            Long nextAt) {}

    /** Starts an incident's escalation on a route (once: a second start for the same route is ignored). */
    public void start(Connection c, long incidentId, String route, String policy, Severity severity, State state, Long nextAt)
            throws SQLException {
        Sql.update(c, "INSERT INTO alert_escalations (incident_id, route, policy, severity, steps_done, reminders, state, next_at) "
                + "VALUES (?, ?, ?, ?, 0, 0, ?, ?) ON CONFLICT (incident_id, route) DO NOTHING", incidentId, route, policy,
                severity.wireName(), state.wireName(), nextAt);
    }

    public List<EscalationRow> due(Connection c, long now, int limit) throws SQLException {
        return Sql.list(c, "SELECT * FROM alert_escalations WHERE state = 'active' AND next_at <= ? ORDER BY next_at LIMIT ?",
                EscalationStore::row, now, limit);
    }

    public List<EscalationRow> held(Connection c) throws SQLException {
        return Sql.list(c, "SELECT * FROM alert_escalations WHERE state = 'held' ORDER BY incident_id", EscalationStore::row);
    }

    public List<EscalationRow> forIncident(Connection c, long incidentId) throws SQLException {
        return Sql.list(c, "SELECT * FROM alert_escalations WHERE incident_id = ? ORDER BY route", EscalationStore::row, incidentId);
    }

    /** Moves from the state read ({@code from}) to the next; false when another node moved it first. */
    public boolean advance(Connection c, EscalationRow from, int stepsDone, int reminders, State state, Long nextAt) throws SQLException {
        return Sql.update(c, "UPDATE alert_escalations SET steps_done = ?, reminders = ?, state = ?, next_at = ? "
                + "WHERE incident_id = ? AND route = ? AND state = ? AND steps_done = ? AND reminders = ?", stepsDone, reminders,
                state.wireName(), nextAt, from.incidentId(), from.route(), from.state().wireName(), from.stepsDone(), from.reminders()) == 1;
    }

    /** Stops an incident's escalations that are still running or held. */
    /** Makes the incident's running escalations due now: an automatic remediation did not bring the server back. */
    public int hurry(Connection c, long incidentId, long now) throws SQLException {
        return Sql.update(c, "UPDATE alert_escalations SET next_at = ? WHERE incident_id = ? AND state = 'active' AND next_at > ?", now,
                incidentId, now);
    }

    public int stop(Connection c, long incidentId, State state) throws SQLException {
        return Sql.update(c, "UPDATE alert_escalations SET state = ?, next_at = NULL WHERE incident_id = ? AND state IN ('active', 'held')",
                state.wireName(), incidentId);
    }

    private static EscalationRow row(ResultSet rs) throws SQLException {
        return new EscalationRow(rs.getLong("incident_id"), rs.getString("route"), rs.getString("policy"),
                Severity.fromWireName(rs.getString("severity")), rs.getInt("steps_done"), rs.getInt("reminders"),
                State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)), Sql.longOrNull(rs, "next_at"));
    }
}
