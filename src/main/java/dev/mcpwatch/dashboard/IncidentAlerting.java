package dev.mcpwatch.dashboard;

import java.util.List;

/**
 * What alerting (issue 4) adds to the incident page: acknowledging from the dashboard, and the
 * deliveries of the incident's alerts. Until alerting passes its own implementation to
 * {@link DashboardRoutes} in {@code App}, {@link #NONE} hides the button and says deliveries are not
 * recorded. Alerting's events on the timeline ({@code acknowledged}, {@code delivery},
 * {@code escalated}) show without this: the timeline renders every {@code incident_events} row.
 */
public interface IncidentAlerting {

    /** Whether acknowledging is possible at all (alerting is wired in). */
    boolean canAcknowledge();

    /** Acknowledges an open incident for {@code by}; an IllegalArgumentException or IllegalStateException says why not. */
    void acknowledge(long incidentId, String by) throws Exception;

    /** The delivery attempts of an incident's alerts, oldest first. */
    List<AttemptLine> deliveries(long incidentId) throws Exception;

    /** One delivery attempt, as the incident page lists it. */
    record AttemptLine(long at, String channel, String event, String outcome, int attempt, String detail) {}

    IncidentAlerting NONE = new IncidentAlerting() {
        @Override
        public boolean canAcknowledge() {
            return false;
        }

        @Override
        public void acknowledge(long incidentId, String by) {
            throw new IllegalStateException("acknowledging needs alerting, which this build does not have yet");
        }

        @Override
        public List<AttemptLine> deliveries(long incidentId) {
            return List.of();
        }
    };
}
