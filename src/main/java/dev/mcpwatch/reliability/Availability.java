package dev.mcpwatch.reliability;

/**
 * Probes of a period, from the rollups: those that count, and apart those made while a maintenance
 * window covered their monitor (recorded, shown, not counted). Paused time has no probes at all; it
 * is shown beside maintenance. Times are monitor-time: two monitors in maintenance for an hour are
 * two hours.
 */
public record Availability(long probes, long failures, long maintenanceProbes, long maintenanceFailures, long maintenanceMs, long pausedMs) {
    public static final Availability NONE = new Availability(0, 0, 0, 0, 0, 0);

    /** Share of counted probes that were healthy, or null when none counted. */
    public Double ratio() {
        return probes == 0 ? null : (double) (probes - failures) / probes;
    }

    public Availability plus(Availability o) {
        return new Availability(probes + o.probes, failures + o.failures, maintenanceProbes + o.maintenanceProbes,
                maintenanceFailures + o.maintenanceFailures, maintenanceMs + o.maintenanceMs, pausedMs + o.pausedMs);
    }
}
