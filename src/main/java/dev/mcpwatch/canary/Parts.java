package dev.mcpwatch.canary;

import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.probe.ToolCallOutcome;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.probe.ToolSnapshot;
import dev.mcpwatch.schema.SchemaValidation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Turns probe results into {@link Sample}s: a whole probe for one side, or a probe through a proxy
 * cut into the parts each version answered (by the response header the operator names).
 *
 * <p>A tool call counts as a schema error when its result fails the tool's outputSchema (checked by
 * the probe, or by the server itself, which then answers with an error saying so); a canary call
 * also when the canary rejected arguments that the stable's inputSchema accepts (a JSON-RPC -32602, or a
 * failed call whose arguments the canary's own inputSchema no longer accepts): the guide's "agents
 * cache tool schemas" risk, seen from the agent's side.
 */
final class Parts {
    /** JSON-RPC "Invalid params". */
    static final int INVALID_PARAMS = -32602;
    /** The MCP steps whose time is compared; network phases belong to the path, not to a server version. */
    static final List<Phase> COMPARED = List.of(Phase.DISCOVER, Phase.INITIALIZE, Phase.TOOLS_LIST, Phase.TOOL_CALL, Phase.TOTAL);

    /**
     * The error an SDK server answers with when its own tool's result fails the tool's outputSchema
     * (the Java SDK: "Tool (x) output validation failed: …"; the TypeScript SDK: "Output validation
     * error: …"): servers built on the SDKs check their results themselves, so the mismatch reaches
     * the agent as an error that says so.
     */
    static final java.util.regex.Pattern OWN_OUTPUT_CHECK = java.util.regex.Pattern.compile("(?i)output ?schema|output validation");

    private Parts() {}

    /** What a probe through one URL gave: the part of each version, and whether a failure could not be attributed. */
    record Split(List<Sample> samples, Failure unattributed, Set<String> otherVersions) {}

    /** A whole probe of one side. */
    static Sample whole(Side side, Instant at, ProbeResult r, List<ProbeSpec.ToolCall> calls, ToolList stableTools) {
        Map<Phase, Double> phases = new EnumMap<>(Phase.class);
        for (Phase p : COMPARED) {
            if (r.failure() != null && (p == Phase.TOTAL || p == r.failure().phase())) {
                continue;
            }
            Double ms = r.durationMs(p);
            if (ms != null) {
                phases.put(p, ms);
            }
        }
        List<ToolCallOutcome> outcomes = r.toolCalls();
        return new Sample(side, at, r.failure(), phases, counted(outcomes),
                schemaErrors(side, outcomes, calls, r.tools(), stableTools), r.tools(), r.server());
    }

    /**
     * A probe through one URL, cut by the version header each response carried. A step belongs to
     * the version that answered it; a failure to the version that answered the failing step, and to
     * none when that response carried no header (a proxy's own 502, a refused connection).
     */
    static Split split(Instant at, ProbeResult r, HeaderSplit how, List<ProbeSpec.ToolCall> calls, ToolList stableTools) {
        Map<Side, List<PhaseTiming>> served = new EnumMap<>(Side.class);
        Set<String> others = new LinkedHashSet<>();
        PhaseTiming lastList = null;
        List<PhaseTiming> callSteps = new ArrayList<>();
        PhaseTiming handshake = null;
        for (PhaseTiming t : r.timings()) {
            if (t.phase().isNetwork() || t.phase() == Phase.TOTAL || t.servedBy() == null) {
                continue;
            }
            Side side = how.sideOf(t.servedBy());
            if (side == null) {
                others.add(t.servedBy());
                continue;
            }
            served.computeIfAbsent(side, s -> new ArrayList<>()).add(t);
            switch (t.phase()) {
                case TOOLS_LIST -> lastList = t;
                case TOOL_CALL -> callSteps.add(t);
                case INITIALIZE, DISCOVER -> handshake = t;
                default -> { }
            }
        }
        Failure failure = r.failure();
        Side failedOn = null;
        if (failure != null) {
            PhaseTiming failing = null;
            for (PhaseTiming t : r.timings()) {
                if (t.phase() == failure.phase()) {
                    failing = t;
                }
            }
            failedOn = failing == null || failing.servedBy() == null ? null : how.sideOf(failing.servedBy());
        }
        Map<Side, List<ToolCallOutcome>> outcomes = new EnumMap<>(Side.class);
        List<ToolCallOutcome> all = r.toolCalls();
        for (int i = 0; i < all.size(); i++) {
            // One step per call, unless a call went several rounds (input_required): then the last step answers for all.
            PhaseTiming step = callSteps.size() == all.size() ? callSteps.get(i) : callSteps.isEmpty() ? null : callSteps.getLast();
            Side side = step == null ? null : how.sideOf(step.servedBy());
            if (side != null) {
                outcomes.computeIfAbsent(side, s -> new ArrayList<>()).add(all.get(i));
            }
        }
        Side listedBy = lastList == null ? null : how.sideOf(lastList.servedBy());
        Side greetedBy = handshake == null ? null : how.sideOf(handshake.servedBy());
        List<Sample> samples = new ArrayList<>();
        for (var e : served.entrySet()) {
            Side side = e.getKey();
            Map<Phase, Double> phases = new EnumMap<>(Phase.class);
            for (PhaseTiming t : e.getValue()) {
                if (COMPARED.contains(t.phase()) && !(side == failedOn && t.phase() == failure.phase())) {
                    phases.merge(t.phase(), t.durationMs(), Double::sum);
                }
            }
            if (failure == null && served.size() == 1 && others.isEmpty()) {
                phases.put(Phase.TOTAL, r.totalMs()); // the whole probe was this version's
            }
            ToolList tools = side == listedBy ? r.tools() : null;
            List<ToolCallOutcome> own = outcomes.getOrDefault(side, List.of());
            ServerInfo server = side == greetedBy ? r.server() : null;
            samples.add(new Sample(side, at, side == failedOn ? failure : null, phases, counted(own),
                    schemaErrors(side, own, calls, tools, stableTools), tools, server));
        }
        Failure unattributed = failure != null && failedOn == null ? failure : null;
        return new Split(samples, unattributed, others);
    }

    /** Calls that were answered: a call that asked for input nobody configured was not checked either way. */
    private static int counted(List<ToolCallOutcome> outcomes) {
        return (int) outcomes.stream().filter(o -> !o.unanswered()).count();
    }

    private static List<String> schemaErrors(Side side, List<ToolCallOutcome> outcomes, List<ProbeSpec.ToolCall> calls,
            ToolList ownTools, ToolList stableTools) {
        List<String> errors = new ArrayList<>();
        for (ToolCallOutcome o : outcomes) {
            if (o.unanswered()) {
                continue;
            }
            if (o.schemaError() != null) {
                errors.add(o.schemaError());
            } else if (!o.ok() && o.text() != null && OWN_OUTPUT_CHECK.matcher(o.text()).find()) {
                errors.add("the server's own output validation refused the result of `" + o.tool() + "`: " + o.text());
            } else if (side == Side.CANARY && !o.ok() && (o.errorCode() != null || o.isError())) {
                String rejected = rejectedArguments(o, calls, ownTools, stableTools);
                if (rejected != null) {
                    errors.add(rejected);
                }
            }
        }
        return errors;
    }

    /** The sentence for a canary call rejected for arguments the stable's schema accepts, or null. */
    private static String rejectedArguments(ToolCallOutcome o, List<ProbeSpec.ToolCall> calls, ToolList canaryTools,
            ToolList stableTools) {
        ToolSnapshot stable = stableTools == null ? null : stableTools.find(o.tool());
        if (stable == null) {
            return null; // a tool the stable does not have: nothing an agent could have cached
        }
        JsonNode args = calls.stream().filter(c -> c.name().equals(o.tool())).findFirst()
                .map(ProbeSpec.ToolCall::arguments).orElse(null);
        if (args == null) {
            args = JsonNodeFactory.instance.objectNode();
        }
        if (problems(stable.definition().path("inputSchema"), args) != null) {
            return null; // the stable would not accept them either
        }
        ToolSnapshot canary = canaryTools == null ? null : canaryTools.find(o.tool());
        String canaryProblem = canary == null ? null : problems(canary.definition().path("inputSchema"), args);
        boolean invalidParams = o.errorCode() != null && o.errorCode() == INVALID_PARAMS;
        if (!invalidParams && canaryProblem == null) {
            return null; // a failure, but not one about the arguments
        }
        return "canary rejected arguments of `" + o.tool() + "` that match the stable's inputSchema"
                + (canaryProblem != null ? " (its own inputSchema: " + canaryProblem + ")" : " (JSON-RPC -32602: " + o.text() + ")");
    }

    private static String problems(JsonNode schema, JsonNode value) {
        if (schema == null || schema.isMissingNode() || schema.isNull()) {
            return null;
        }
        try {
            return SchemaValidation.problems(schema, value);
        } catch (IllegalArgumentException e) {
            return null; // a schema nobody can check proves nothing either way
        }
    }
}
