package dev.mcpwatch.canary;

import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Layer;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.probe.ToolList;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One side's part of one probe, as the comparison counts it: whether it failed (and how), how long
 * each MCP step took, how many tool calls it made and which of them were schema errors. With two
 * URLs a probe is one sample; behind one URL split by a header, each version that answered some of
 * the probe's requests gets the part it answered.
 *
 * @param phaseMs the duration of each step that completed (a failed step's time is not a latency)
 * @param tools the tool list this side served in this probe, or null
 */
public record Sample(Side side, Instant at, Failure failure, Map<Phase, Double> phaseMs, int toolCalls, List<String> schemaErrors,
        ToolList tools, ServerInfo server) {

    public Sample {
        phaseMs = Map.copyOf(phaseMs);
        schemaErrors = List.copyOf(schemaErrors);
        if (toolCalls < 0 || schemaErrors.size() > toolCalls) {
            throw new IllegalArgumentException(schemaErrors.size() + " schema errors in " + toolCalls + " tool calls");
        }
    }

    public boolean ok() {
        return failure == null;
    }

    /**
     * Nothing answered: the name did not resolve or no connection could be made (a stdio server
     * that exits is refused too). The guide's "canary process crash". A timeout is not: a server
     * that accepted the connection is there, only slow, and the error-rate rule judges it.
     */
    public boolean unreachable() {
        return failure != null && (failure.layer() == Layer.DNS || failure.layer() == Layer.TCP);
    }
}
