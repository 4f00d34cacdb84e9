package dev.mcpwatch.incident;

import dev.mcpwatch.probe.Failure;
import java.util.List;

/**
 * The monitor answers but not fully — the incident-response guide's P2 "degraded" — as the
 * detection rules judge it: the severity, the failure that heads the incident (reason, phase and a
 * sentence saying what is wrong), since when, and which rules hold (their ids).
 */
public record Degradation(Severity severity, Failure headline, long since, int failingProbes, List<String> causes) {
    public Degradation {
        causes = List.copyOf(causes);
    }
}
