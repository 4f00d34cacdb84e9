package dev.mcpwatch.canary;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mcpwatch.probe.ServerInfo;
import dev.mcpwatch.schema.SchemaChange;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of a comparison: the decision, the reasons for it in words, both sides' totals, every
 * rule with its evidence, the tool-surface diff and, when a metrics source was read, the real-traffic
 * figures. {@code mcpwatch canary --json} prints exactly this.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Verdict(Decision verdict, List<String> reasons, Instant startedAt, Instant at, long rounds, SideSummary stable,
        SideSummary canary, List<RuleResult> rules, ToolSurface tools, TrafficReading traffic) {

    public Verdict {
        reasons = List.copyOf(reasons);
        rules = List.copyOf(rules);
    }

    /** One side over the whole run. {@code version} is the header value it is known by behind one URL. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SideSummary(String target, String version, ServerInfo server, long probes, long errors, long unreachable,
            long toolCalls, long schemaErrors, List<String> schemaErrorExamples, Integer tools) {}

    /**
     * The canary's tool list against the stable's, every change in words; breaking ones roll the
     * canary back unless acknowledged for this deploy ({@code allowBreaking}).
     */
    public record ToolSurface(Integer stableTools, Integer canaryTools, long breaking, boolean allowBreaking, List<SchemaChange> changes) {}

    /** The decision with other reasons (a continuous canary's gate turns promote into hold). */
    public Verdict withDecision(Decision d, List<String> why) {
        return new Verdict(d, why, startedAt, at, rounds, stable, canary, rules, tools, traffic);
    }
}
