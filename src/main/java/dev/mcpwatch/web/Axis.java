package dev.mcpwatch.web;

/** The value axis of the server-rendered charts (dashboard, canary and reliability pages). */
public final class Axis {
    private Axis() {}

    /** The smallest 1, 2, 2.5 or 5 times a power of ten at or above {@code v}: a chart's top that reads well. 1 for nothing. */
    public static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
