package dev.mcpwatch.detect;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.monitor.RecordedProbe;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.SchemaStore;
import dev.mcpwatch.store.ToolCallStore;
import dev.mcpwatch.store.ToolListStore;
import dev.mcpwatch.store.WarningStore;
import java.sql.Connection;

/**
 * What a rule may look at: the probe being recorded, the monitor's thresholds, and the stores of the
 * history, all within the recording transaction. {@link #now} is the probe's finish time, never the
 * wall clock, so that replaying recorded probes gives the same answers.
 */
record Context(Connection c, RecordedProbe probe, Stores stores) {

    /** The stores rules read (and the drift rule writes), created once per detector. */
    record Stores(RollupStore rollups, ToolCallStore toolCalls, ToolListStore toolLists, SchemaStore schemas, WarningStore warnings) {}

    long now() {
        return probe.finishedAt();
    }

    MonitorConfig monitor() {
        return probe.monitor();
    }

    String monitorId() {
        return probe.monitor().id();
    }

    ProbeResult result() {
        return probe.result();
    }

    /** The monitor's settings for the rule that owns {@code block}. */
    <S> S settings(Block<S> block) {
        return probe.monitor().detection().get(block);
    }
}
