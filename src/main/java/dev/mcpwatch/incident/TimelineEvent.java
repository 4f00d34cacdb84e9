package dev.mcpwatch.incident;

import tools.jackson.databind.JsonNode;

/**
 * One entry of an incident's timeline: when, what kind ({@code opened}, {@code outage},
 * {@code severity}, {@code condition}, {@code acknowledged}, {@code notified}, {@code resolved},
 * {@code status_update}…) and its detail, a JSON object whose fields depend on the kind.
 */
public record TimelineEvent(long id, long incidentId, long at, String kind, JsonNode detail) {}
