package dev.mcpwatch.incident;

import dev.mcpwatch.probe.Failure;

/**
 * One incident as recorded: its monitor, status and severity, the failure that heads it, when it
 * began (the first failing probe), was detected, first notified, acknowledged and resolved, and the
 * probes it spans. MTTD and MTTR are derived from these times, never stored. {@code severity} is
 * null only on incidents recorded before severities existed.
 */
public record Incident(long id, String monitorId, IncidentStatus status, Severity severity, Failure headline, long onsetAt,
        long detectedAt, Long notifiedAt, Long acknowledgedAt, Long resolvedAt, String resolution, int failingProbes,
        Long firstResultId, Long lastResultId) {

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

    /** The same incident with another severity (an event that changed it may be read before the row is). */
    public Incident withSeverity(Severity s) {
        return new Incident(id, monitorId, status, s, headline, onsetAt, detectedAt, notifiedAt, acknowledgedAt, resolvedAt, resolution,
                failingProbes, firstResultId, lastResultId);
    }
}
