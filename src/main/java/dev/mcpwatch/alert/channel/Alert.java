package dev.mcpwatch.alert.channel;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What every channel is told, the same fields with the same meaning everywhere (PRODUCT.md §3): the
 * generic webhook sends it as it is, in JSON with snake_case names; the other channels render it in
 * their own format. It holds no secret: no header, token or credential of a monitor or a channel,
 * and a monitor URL's query values and user info are redacted before they get here.
 *
 * <p>Times are ISO-8601 UTC text. Fields that do not apply to an event are null (never absent), so
 * receivers see one stable shape.
 *
 * @param event             {@code incident.opened}, {@code incident.escalated}, {@code incident.severity_changed},
 *                          {@code incident.acknowledged}, {@code incident.resolved}, {@code drift.detected},
 *                          {@code certificate.expiring} (or another warning type), {@code slo.burn},
 *                          {@code slo.burn_resolved}, {@code digest}, {@code test}
 * @param dedupKey          stable for an incident (or a warning, or a digest): receivers collapse repeats by it
 * @param status            where the incident stands after the event: {@code open}, {@code acknowledged},
 *                          {@code resolved}; {@code burning} or {@code resolved} for an SLO's burn-rate alert;
 *                          {@code warning}, {@code digest} or {@code test} otherwise
 * @param summary           one line for titles and subjects
 * @param message           the human sentence: the failure's message, or the warning's
 * @param consecutiveFailures failing probes in a row that confirmed (and since kept) the incident
 * @param locations         the probe locations that saw the failure
 * @param durationMs        from onset to resolution, or to the event while open
 * @param escalation        which escalation step (or reminder) this is, for {@code incident.escalated}
 * @param items             the warnings a digest collects
 * @param at                when the event happened
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Alert(
        String event,
        String dedupKey,
        Long incidentId,
        String status,
        String summary,
        String message,
        Monitor monitor,
        String severity,
        String previousSeverity,
        Failure failure,
        Integer consecutiveFailures,
        List<String> locations,
        String startedAt,
        String detectedAt,
        String acknowledgedAt,
        String resolvedAt,
        Long durationMs,
        String acknowledgedBy,
        String resolution,
        Escalation escalation,
        String runbookUrl,
        String dashboardUrl,
        String statusPageUrl,
        String ackUrl,
        List<Alert> items,
        String at) {

    /** The monitor, as people know it. {@code url} is redacted (no user info, no query values). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Monitor(String id, String name, String url, List<String> tags) {}

    /** Where a probe broke: the layer, the reason from the closed set, the phase, the sentence. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Failure(String layer, String reason, String phase, String message) {}

    /** Step {@code step} of {@code steps} of the policy; {@code reminder} counts repeats after the last step. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Escalation(String policy, int step, int steps, int reminder) {}

    public boolean isIncident() {
        return event.startsWith("incident.");
    }

    public String monitorName() {
        return monitor == null ? null : monitor.name() != null ? monitor.name() : monitor.id();
    }

    /** The same alert carrying another acknowledgement link (a fresh one for a reminder, or none). */
    public Alert withAckUrl(String url) {
        return new Alert(event, dedupKey, incidentId, status, summary, message, monitor, severity, previousSeverity, failure,
                consecutiveFailures, locations, startedAt, detectedAt, acknowledgedAt, resolvedAt, durationMs, acknowledgedBy, resolution,
                escalation, runbookUrl, dashboardUrl, statusPageUrl, url, items, at);
    }
}
