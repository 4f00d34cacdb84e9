package dev.mcpwatch.monitor;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Failure;
import tools.jackson.databind.JsonNode;

/**
 * Something that happened to a monitor that people may need to hear about. Published inside the
 * transaction that records it (see {@link MonitorEvents.Listener}), so an alert written to an outbox commits
 * or rolls back with the change it reports. The {@link #type} names are the alert payload's
 * {@code event} values (PRODUCT.md §3).
 */
public sealed interface MonitorEvent {
    String monitorId();

    long at();

    String type();

    /** The monitor was confirmed down (or degraded): an incident opened. */
    record IncidentOpened(String monitorId, long incidentId, Severity severity, Failure failure, long onsetAt, long at,
            int failingProbes) implements MonitorEvent {
        public String type() {
            return "incident.opened";
        }
    }

    record IncidentResolved(String monitorId, long incidentId, String resolution, long at) implements MonitorEvent {
        public String type() {
            return "incident.resolved";
        }
    }

    record SeverityChanged(String monitorId, long incidentId, Severity from, Severity to, String why, long at) implements MonitorEvent {
        public String type() {
            return "incident.severity_changed";
        }
    }

    record IncidentAcknowledged(String monitorId, long incidentId, String by, long at) implements MonitorEvent {
        public String type() {
            return "incident.acknowledged";
        }
    }

    /**
     * An automatic remediation ran, or its watch ended: {@code outcome} is {@code ran}, {@code failed},
     * {@code recovered} or {@code not_recovered}, {@code summary} says it in a sentence.
     */
    record Remediated(String monitorId, long incidentId, String outcome, String summary, long at) implements MonitorEvent {
        public String type() {
            return "incident.remediation";
        }
    }

    /** A warning outside any incident, e.g. {@code drift.detected} or {@code certificate.expiring}. */
    record Warning(String monitorId, String type, Severity severity, String message, JsonNode detail, long at) implements MonitorEvent {}
}
