package dev.mcpwatch.canary;

import java.time.Duration;

/**
 * The rollback rules of the canary guide and how sure mcpwatch must be before it applies them.
 *
 * @param errorRatio roll back when the canary's error rate exceeds this many times the stable's (2)
 * @param latencyRatio roll back when a phase's p99 exceeds this many times the stable's (3)
 * @param window how long a rate or a p99 must be over its threshold: the guide's "for 5 minutes";
 *     both are measured over the last {@code window} of probes, and only once that much has run
 * @param schemaErrorShare roll back when schema errors exceed this share of the canary's tool calls (0.1 %)
 * @param latencyFloor a phase must also be this much slower than the stable's p99 (so that
 *     sub-millisecond loopback phases cannot trip a ratio)
 * @param minCanaryProbes fewer canary probes than this in the whole run is not enough to promote
 * @param minWindowProbes fewer probes than this on a side within the window is not enough to compare
 * @param minTrafficCalls fewer real-traffic calls than this on a side within the window is not
 *     enough to compare (below 100 calls a 99th percentile is not observed at all)
 * @param alpha the significance level of each test (each look: the rules are checked after every round)
 */
public record Thresholds(double errorRatio, double latencyRatio, Duration window, double schemaErrorShare, Duration latencyFloor,
        int minCanaryProbes, int minWindowProbes, int minTrafficCalls, double alpha) {

    public static final Thresholds GUIDE = new Thresholds(2.0, 3.0, Duration.ofMinutes(5), 0.001, Duration.ofMillis(50), 30, 10, 100,
            0.01);

    public Thresholds {
        if (errorRatio < 1 || latencyRatio < 1) {
            throw new IllegalArgumentException("ratios must be at least 1");
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the window must be positive");
        }
        if (schemaErrorShare < 0 || schemaErrorShare >= 1) {
            throw new IllegalArgumentException("the schema error share must be in [0, 1)");
        }
        if (latencyFloor == null || latencyFloor.isNegative()) {
            throw new IllegalArgumentException("the latency floor must not be negative");
        }
        if (minCanaryProbes < 1 || minWindowProbes < 2 || minTrafficCalls < 1) {
            throw new IllegalArgumentException("minimum counts out of range");
        }
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new IllegalArgumentException("alpha must be in (0, 0.5)");
        }
    }

    public Thresholds withWindow(Duration w) {
        return new Thresholds(errorRatio, latencyRatio, w, schemaErrorShare, latencyFloor, minCanaryProbes, minWindowProbes,
                minTrafficCalls, alpha);
    }

    public Thresholds withMinCanaryProbes(int n) {
        return new Thresholds(errorRatio, latencyRatio, window, schemaErrorShare, latencyFloor, n, minWindowProbes, minTrafficCalls,
                alpha);
    }
}
