package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Which locations probe a monitor, and when each does. A monitor is probed by the locations it lists,
 * or by every location with a live node when it lists none. Its n locations, sorted by name, take
 * turns across the interval: location i starts at {@code spread(m) + i × interval / n}, so with two
 * locations at 60 s some location looks every 30 s. The offsets are phases of the wall clock (counted
 * from the epoch), so nodes of different locations agree on them without talking to each other.
 */
final class Stagger {
    /** The location of a node started without one; its probes keep the task name {@code probe} of databases written before locations. */
    static final String DEFAULT_LOCATION = "default";

    private final String location;
    private final Supplier<? extends Collection<String>> live;

    /** {@code live}: the locations that have a live node now (this node's own is always counted). */
    Stagger(String location, Supplier<? extends Collection<String>> live) {
        this.location = location;
        this.live = live;
    }

    String location() {
        return location;
    }

    /** The db-scheduler task whose executions are this location's probes. */
    String taskName() {
        return taskName(location);
    }

    static String taskName(String location) {
        return DEFAULT_LOCATION.equals(location) ? DatabaseSchedule.PROBE_TASK : DatabaseSchedule.PROBE_TASK + "@" + location;
    }

    /** Whether this node's location probes {@code m}. */
    boolean probesHere(MonitorConfig m) {
        return probesIn(m, location);
    }

    static boolean probesIn(MonitorConfig m, String location) {
        return m.locations().isEmpty() || m.locations().contains(location);
    }

    /** This location's offset of {@code m} within its interval. */
    Duration offset(MonitorConfig m) {
        return offset(m, location, locationsOf(m, live.get(), location));
    }

    /** The locations that probe {@code m}, sorted: the ones it lists, else the live ones (with {@code own}). */
    static List<String> locationsOf(MonitorConfig m, Collection<String> live, String own) {
        TreeSet<String> names = new TreeSet<>(m.locations().isEmpty() ? live : m.locations());
        if (m.locations().isEmpty()) {
            names.add(own);
        }
        return List.copyOf(names);
    }

    /** {@code spread(m) + i × interval / n} within the interval, where i is {@code location}'s place in {@code locations}. */
    static Duration offset(MonitorConfig m, String location, List<String> locations) {
        long interval = m.interval().toMillis();
        int i = Math.max(0, locations.indexOf(location));
        int n = Math.max(1, locations.size());
        return Duration.ofMillis(Math.floorMod(DatabaseSchedule.spread(m).toMillis() + i * interval / n, interval));
    }

    /** The first instant at or after {@code notBefore} that lies on {@code offset} of the interval's grid (counted from the epoch). */
    static Instant slot(Duration interval, Duration offset, Instant notBefore) {
        long every = interval.toMillis();
        long t = notBefore.toEpochMilli();
        long phase = Math.floorMod(t - offset.toMillis(), every);
        return Instant.ofEpochMilli(phase == 0 ? t : t + every - phase);
    }

    /** When this location first probes {@code m}, from {@code now}. */
    Instant first(MonitorConfig m, Instant now) {
        return slot(m.interval(), offset(m), now);
    }

    /**
     * When this location probes {@code m} next after a probe planned for {@code planned} that asked to
     * be run again after {@code delay}: a healthy probe (delay = interval) takes the next slot of this
     * location's grid, so locations stay staggered (and a monitor returns to its grid after retries); a
     * retry is counted from now. A probe so late that its slot has passed runs at once.
     */
    Instant next(MonitorConfig m, Instant planned, Duration delay, Instant now) {
        if (!delay.equals(m.interval())) {
            return now.plus(delay);
        }
        Instant next = slot(m.interval(), offset(m), planned.plusMillis(1));
        return next.isAfter(now) ? next : now.plus(Duration.ofMillis(500));
    }
}
