package dev.mcpwatch.alert;

import dev.mcpwatch.incident.Incident;

/**
 * The page of a signed acknowledgement link, styled like the dashboard (the public stylesheet) with
 * times written out. {@code outcome}: ask (the form), acknowledged, already, resolved, or error
 * (with {@code note}); {@code incident} is null for an error.
 */
public record AckPage(String title, Incident incident, String outcome, String note, long now) {}
