package dev.mcpwatch.testkit;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metrics the canary guide instruments an MCP server with, kept by hand for a test server and
 * written in the Prometheus text format: {@code mcp_tool_call_duration_seconds} (histogram by tool,
 * outcome, version; the guide's buckets) and {@code mcp_tool_call_errors_total} (counter by tool,
 * error_type, version). Every series a tool can have is exported from the start at zero, so that
 * Prometheus sees each counter's first increase.
 */
public final class ToolMetrics {
    /** The guide's buckets, in seconds. */
    static final double[] BUCKETS = {0.01, 0.05, 0.1, 0.5, 1, 5};

    private final String version;
    /** tool → outcome → [bucket counts..., +Inf count, sum] */
    private final Map<String, Map<String, double[]>> durations = new TreeMap<>();
    /** tool → error type → count */
    private final Map<String, Map<String, Long>> errors = new TreeMap<>();

    public ToolMetrics(String version) {
        this.version = version;
    }

    synchronized void declare(String tool) {
        Map<String, double[]> byOutcome = durations.computeIfAbsent(tool, t -> new TreeMap<>());
        byOutcome.computeIfAbsent("success", o -> new double[BUCKETS.length + 2]);
        byOutcome.computeIfAbsent("error", o -> new double[BUCKETS.length + 2]);
        errors.computeIfAbsent(tool, t -> new TreeMap<>()).putIfAbsent("tool_error", 0L);
    }

    /** One call of {@code tool} that took {@code seconds}; {@code errorType} null for a success. */
    public synchronized void observe(String tool, String errorType, double seconds) {
        declare(tool);
        double[] h = durations.get(tool).get(errorType == null ? "success" : "error");
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                h[i]++;
            }
        }
        h[BUCKETS.length]++;
        h[BUCKETS.length + 1] += seconds;
        if (errorType != null) {
            errors.get(tool).merge(errorType, 1L, Long::sum);
        }
    }

    public synchronized String exposition() {
        StringBuilder s = new StringBuilder();
        s.append("# HELP mcp_tool_call_duration_seconds Tool call execution duration\n");
        s.append("# TYPE mcp_tool_call_duration_seconds histogram\n");
        for (var tool : durations.entrySet()) {
            for (var outcome : tool.getValue().entrySet()) {
                String labels = "tool=\"" + tool.getKey() + "\",outcome=\"" + outcome.getKey() + "\",version=\"" + version + "\"";
                double[] h = outcome.getValue();
                for (int i = 0; i < BUCKETS.length; i++) {
                    s.append("mcp_tool_call_duration_seconds_bucket{").append(labels).append(",le=\"").append(number(BUCKETS[i]))
                            .append("\"} ").append(number(h[i])).append('\n');
                }
                s.append("mcp_tool_call_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ").append(number(h[BUCKETS.length]))
                        .append('\n');
                s.append("mcp_tool_call_duration_seconds_sum{").append(labels).append("} ").append(number(h[BUCKETS.length + 1])).append('\n');
                s.append("mcp_tool_call_duration_seconds_count{").append(labels).append("} ").append(number(h[BUCKETS.length])).append('\n');
            }
        }
        s.append("# HELP mcp_tool_call_errors_total Tool call errors by type\n");
        s.append("# TYPE mcp_tool_call_errors_total counter\n");
        for (var tool : errors.entrySet()) {
            for (var type : tool.getValue().entrySet()) {
                s.append("mcp_tool_call_errors_total{tool=\"").append(tool.getKey()).append("\",error_type=\"").append(type.getKey())
                        .append("\",version=\"").append(version).append("\"} ").append(type.getValue()).append('\n');
            }
        }
        return s.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
