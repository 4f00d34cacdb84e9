package dev.mcpwatch.alert;

import dev.mcpwatch.incident.Severity;
import java.util.List;
import java.util.Set;

/**
 * Which alerts go where: a route matches by severity, monitor tags and monitor ids (each optional;
 * an empty criterion matches everything) and names its channels, an escalation policy, or a digest
 * that collects matching alerts instead of sending them one by one. Routes are tried in order; the
 * first match wins unless it says {@code continue: true}.
 */
public record Route(String name, Set<Severity> severities, List<String> tags, List<String> monitors, List<String> channels,
        String escalation, DigestSchedule digest, boolean continueMatching) {

    public Route {
        severities = Set.copyOf(severities);
        tags = List.copyOf(tags);
        monitors = List.copyOf(monitors);
        channels = List.copyOf(channels);
    }

    public boolean matches(Severity severity, String monitorId, List<String> monitorTags) {
        if (!severities.isEmpty() && (severity == null || !severities.contains(severity))) {
            return false;
        }
        if (!monitors.isEmpty() && !monitors.contains(monitorId)) {
            return false;
        }
        return tags.isEmpty() || (monitorTags != null && monitorTags.stream().anyMatch(tags::contains));
    }
}
