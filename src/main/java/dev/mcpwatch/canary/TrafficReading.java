package dev.mcpwatch.canary;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;

/**
 * The servers' own metrics on real traffic for both versions over the rules' window, as read from
 * Prometheus; or, when it could not be read, why ({@code problem}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrafficReading(String source, Duration window, SideTraffic stable, SideTraffic canary, String problem) {

    /** One version's tool calls and errors over the window (increases of counters, so fractional), and its latency buckets. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SideTraffic(String version, double calls, double errors, Histogram latency) {}

    public static TrafficReading of(String source, Duration window, SideTraffic stable, SideTraffic canary) {
        return new TrafficReading(source, window, stable, canary, null);
    }

    public static TrafficReading unavailable(String source, Duration window, String problem) {
        return new TrafficReading(source, window, null, null, problem);
    }
}
