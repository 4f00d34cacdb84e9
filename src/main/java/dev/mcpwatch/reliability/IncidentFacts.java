package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Layer;
import dev.mcpwatch.probe.Reason;
import java.util.List;

/**
 * One incident as the record reads it: what it was confirmed with (severity, reason, layer — never
 * the severity in force later), its five times, what ended it, and each change of the severity in
 * force while it was open (for the time spent in each severity). {@code severity} is null only on
 * incidents recorded before severities existed.
 *
 * @param onsetAt the first failing probe
 * @param detectedAt confirmation: the incident opened
 * @param notifiedAt the first alert delivered, or null (no alerting, or nothing delivered yet)
 * @param acknowledgedAt when someone acknowledged it, or null
 * @param resolvedAt when it ended, or null while open
 * @param resolvedBy what ended it, or null while open
 */
public record IncidentFacts(long id, String monitorId, Severity severity, Reason reason, Layer layer, long onsetAt, long detectedAt,
        Long notifiedAt, Long acknowledgedAt, Long resolvedAt, ResolvedBy resolvedBy, List<SeverityChange> changes) {

    /** The severity in force became {@code to} at {@code at}. */
    public record SeverityChange(long at, Severity to) {}

    public IncidentFacts {
        changes = List.copyOf(changes);
    }

    /** The moment someone was (or could have been) told: the first alert delivered, else detection. */
    public long toldAt() {
        return notifiedAt != null ? notifiedAt : detectedAt;
    }

    public Outcome outcome() {
        if (resolvedAt == null) {
            return Outcome.OPEN;
        }
        if (resolvedBy == ResolvedBy.REMOVAL) {
            return Outcome.WITHDRAWN;
        }
        if (resolvedBy == ResolvedBy.REMEDIATION) {
            return Outcome.REMEDIATED;
        }
        return acknowledgedAt != null && acknowledgedAt <= resolvedAt ? Outcome.HUMAN : Outcome.UNATTENDED;
    }
}
