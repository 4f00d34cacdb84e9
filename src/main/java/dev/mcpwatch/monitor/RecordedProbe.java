package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.Transition;
import dev.mcpwatch.probe.ProbeResult;

/**
 * One probe as it is being recorded, for detection: the monitor, the result and its stored id, the
 * time it finished (detection's clock: time comes from results, so a replay gives the same answers),
 * the stored tool list and the one before, the state machine's move, and the incident open before it.
 */
public record RecordedProbe(MonitorConfig monitor, ProbeResult result, long resultId, long finishedAt, Long toolListId,
        Long previousToolListId, Transition transition, Long openIncidentId) {}
