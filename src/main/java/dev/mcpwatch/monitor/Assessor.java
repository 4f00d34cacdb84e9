package dev.mcpwatch.monitor;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Judges a probe beyond up and down, inside the transaction that records it, after the state
 * machine moved and before the incident is decided — so that a degradation can keep an incident
 * open when the outage ends, or head one of its own. Unlike a {@link TransitionHook}, its answer
 * shapes the incident. Whatever it writes commits or rolls back with the probe.
 */
@FunctionalInterface
public interface Assessor {
    Assessor NONE = (c, probe) -> Assessment.NONE;

    Assessment assess(Connection c, RecordedProbe probe) throws SQLException;
}
