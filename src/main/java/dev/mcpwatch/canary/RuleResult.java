package dev.mcpwatch.canary;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.mcpwatch.probe.Phase;
import java.util.Locale;

/**
 * One rollback rule as it stands, with the figures of both sides it was judged on, the threshold,
 * the test that decided it and a sentence saying why.
 *
 * @param rule {@code canary_reachable}, {@code error_rate}, {@code latency_p99}, {@code schema_errors},
 *     {@code tool_surface}; for real traffic {@code traffic_error_rate}, {@code traffic_latency_p99}
 * @param source {@code probes} (mcpwatch's own probes) or {@code traffic} (the servers' metrics)
 * @param phase for latency from probes, the step compared
 * @param pValue the test's p-value, when a test was made
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleResult(String rule, String source, Phase phase, Status status, Figure stable, Figure canary, String threshold,
        String test, Double pValue, String evidence) {

    /** Where a rule stands. */
    public enum Status {
        /** Judged, and the canary is within the threshold. */
        PASS,
        /** Over the threshold, and not by chance: a reason to roll back. */
        TRIPPED,
        /** Over the threshold, but the counts are too small to tell it from chance: neither promote nor roll back yet. */
        UNSURE,
        /** Not enough probes, time or traffic to judge. */
        NOT_ENOUGH_DATA,
        /** Nothing to judge (no tool calls configured). */
        NOT_APPLICABLE,
        /** Over the threshold, and acknowledged for this deploy (breaking changes with allow_breaking). */
        ACKNOWLEDGED,
        /** The source could not be read (Prometheus unreachable or answering an error). */
        UNAVAILABLE;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether a verdict of promote can stand with this rule in this state. */
        public boolean allowsPromote() {
            return this == PASS || this == NOT_APPLICABLE || this == ACKNOWLEDGED;
        }
    }

    /**
     * One side's figure: how many samples (probes, calls, tools), how many of them counted (errors,
     * slow ones), the value compared (a rate, a p99 in milliseconds) and the same in words.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Figure(Long samples, Long count, Double value, String text) {
        static Figure text(String text) {
            return new Figure(null, null, null, text);
        }
    }
}
