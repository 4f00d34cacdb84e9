package dev.mcpwatch.monitor;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Failure;
import java.util.List;
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

    /**
     * A burn-rate alert of an SLO started ({@code slo.burn}) or stopped ({@code slo.burn_resolved}).
     * {@code monitorId} is the SLO's monitor, or null for an SLO on a tag ({@code tags} holds it);
     * {@code alert} names the alert's windows ({@code 1h/5m}), which with the SLO's id makes the
     * dedup key, so a receiver keeps one alert per SLO and window.
     */
    record SloBurn(String monitorId, List<String> tags, String sloId, String sloName, String alert, Severity severity, boolean burning,
            double factor, Double longBurn, Double shortBurn, String message, long at) implements MonitorEvent {
        public SloBurn {
            tags = List.copyOf(tags);
        }

        public String type() {
            return burning ? "slo.burn" : "slo.burn_resolved";
        }
    }

    /**
     * A location lost its last live node ({@code location.down}) or has one again
     * ({@code location.recovered}): an alert for the operator, about no monitor. Its monitors keep
     * being probed from the other locations; none is paged for it.
     */
    record LocationChanged(String location, boolean live, long lastHeartbeatAt, long at) implements MonitorEvent {
        public String monitorId() {
            return null;
        }

        public String type() {
            return live ? "location.recovered" : "location.down";
        }
    }
}
