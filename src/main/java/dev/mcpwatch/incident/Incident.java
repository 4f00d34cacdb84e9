package dev.mcpwatch.incident;

import dev.mcpwatch.probe.Failure;

/**
 * One incident as recorded: its monitor and status, the severity and failure it was confirmed with
 * (its record, which never changes), when it began (the first failing probe), was detected, first
 * notified, acknowledged and resolved, the probes it spans, and the severity in force now, which
 * rises and falls with its causes while it is open. MTTD and MTTR are derived from these times,
 * never stored. {@code severity} is null only on incidents recorded before severities existed;
 * {@code currentSeverity} on those recorded before it did, whose severity was the one in force.
 */
public record Incident(long id, String monitorId, IncidentStatus status, Severity severity, Failure headline, long onsetAt,
        long detectedAt, Long notifiedAt, Long acknowledgedAt, Long resolvedAt, String resolution, int failingProbes,
        Long firstResultId, Long lastResultId, Severity currentSeverity) {

    /** The severity in force: the confirmed one unless it rose or fell since (alerting and live views use this). */
    public Severity severityNow() {
        return currentSeverity != null ? currentSeverity : severity;
    }

    public boolean open() {
        return status == IncidentStatus.OPEN;
    }

    /** Time to detect: from the first failing probe to confirmation, plus the notification delay when known. */
    public long mttdMs() {
        return (notifiedAt != null ? notifiedAt : detectedAt) - onsetAt;
    }

    /** Time to restore, from detection to resolution; null while open. */
    public Long mttrMs() {
        return resolvedAt == null ? null : resolvedAt - detectedAt;
    }

    /** The same incident with another severity in force (an event that changed it may be read before the row is). */
    public Incident withSeverityNow(Severity s) {
        return new Incident(id, monitorId, status, severity, headline, onsetAt, detectedAt, notifiedAt, acknowledgedAt, resolvedAt,
                resolution, failingProbes, firstResultId, lastResultId, s);
    }
}
