package dev.mcpwatch.incident;

import dev.mcpwatch.probe.Failure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Whether a monitor probed from several locations is down (PRODUCT.md §2 "Locations"), as a pure
 * function of what each location's own state machine confirmed: down when at least {@code quorum}
 * live locations are confirmed down, a regional degradation when fewer are, up when none is. One
 * location failing alone is the path from that place to the server, not an outage of the server,
 * so it is never a P1 page.
 *
 * <p>Only live locations count. One whose last probe of the monitor is older than the window (its
 * nodes died, or it no longer probes the monitor) never counts as down, and the quorum shrinks to
 * the live locations when fewer are left: with one location, as in a default install, the monitor
 * is down exactly when that location is, and {@link #monitorMove} is that location's own move.
 */
public final class Quorum {
    /** The quorum when a monitor sets none: two locations, or all of them when fewer are live. */
    public static final int DEFAULT = 2;
    /** A regional degradation's severity when a monitor sets none ({@code regional_severity:}): degraded, not an outage. */
    public static final Severity REGIONAL_SEVERITY = Severity.P2;

    private Quorum() {}

    /**
     * One location's view of a monitor: its own state machine, when it confirmed the monitor down
     * (null unless it is confirmed), when it last probed it, the failure it last saw (kept while it is
     * confirmed down and recovering, so a regional degradation keeps its headline; null once up) and
     * the last probe's latency.
     */
    public record Location(String name, MonitorState state, Long confirmedAt, long lastProbeAt, Failure lastFailure, Double lastTotalMs) {
        public static Location initial(String name) {
            return new Location(name, MonitorState.INITIAL, null, 0, null, null);
        }

        public boolean down() {
            return state.status().confirmed();
        }

        /** Where one more probe of this location takes it: its machine's move {@code t} and that probe. */
        public Location after(Transition t, Observation o, Double totalMs) {
            Long confirmed = !t.next().status().confirmed() ? null : confirmedAt != null && state.status().confirmed() ? confirmedAt
                    : Long.valueOf(o.finishedAt());
            Failure failure = o.failure() != null ? o.failure() : confirmed != null ? lastFailure : null;
            return new Location(name, t.next(), confirmed, o.finishedAt(), failure, totalMs);
        }

        /** When this location's failure began: its streak's first probe, or (once recovering) when it confirmed. */
        long since() {
            Long start = state.streakStartedAt();
            return start != null ? start : confirmedAt != null ? confirmedAt : lastProbeAt;
        }
    }

    public enum Kind { UP, REGIONAL, DOWN }

    /**
     * A verdict: its kind, the live locations confirmed down (by name), how many locations are live
     * and how many confirmed-down ones make an outage.
     */
    public record Verdict(Kind kind, List<Location> failing, int live, int needed) {
        public Verdict {
            failing = List.copyOf(failing);
        }

        public List<String> failingNames() {
            return failing.stream().map(Location::name).toList();
        }

        /** How a person reads it: "down from eu-west (1 of 2 locations)". */
        public String headline() {
            return "down from " + String.join(", ", failingNames()) + " (" + failing.size() + " of " + live + " location"
                    + (live == 1 ? "" : "s") + ")";
        }

        /** The failing location whose failure began first: it dates the outage. */
        Location earliest() {
            return failing.stream().min(Comparator.comparingLong(Location::since)).orElseThrow();
        }
    }

    /**
     * Judges a monitor from its locations' states.
     *
     * @param locations every location that ever probed the monitor, with its state
     * @param liveNames the locations known to have a live node, or null to judge by the probes alone
     * @param quorum how many confirmed-down locations make an outage (at least 1); fewer when fewer are live
     * @param now when the judgement is made (the probe's finish)
     * @param window how recent a location's last probe must be for it to count as live
     */
    public static Verdict judge(Collection<Location> locations, Set<String> liveNames, int quorum, long now, long window) {
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1, got " + quorum);
        }
        List<Location> live = new ArrayList<>();
        for (Location l : locations) {
            if (l.lastProbeAt() >= now - window && (liveNames == null || liveNames.contains(l.name()))) {
                live.add(l);
            }
        }
        List<Location> failing = live.stream().filter(Location::down).sorted(Comparator.comparing(Location::name)).toList();
        int needed = Math.max(1, Math.min(quorum, live.size()));
        Kind kind = failing.isEmpty() ? Kind.UP : failing.size() >= needed ? Kind.DOWN : Kind.REGIONAL;
        return new Verdict(kind, failing, live.size(), needed);
    }

    /**
     * The monitor's move after one location's probe, from that location's move {@code local} and the
     * verdict over all locations that follows it. The monitor is confirmed down while the verdict is
     * {@link Kind#DOWN}; an outage opens on a failing probe (a location that vanished never opens
     * one by its absence alone: the next failing probe of a location still live does) and ends when
     * the verdict is no longer down. With one location this is {@code local} itself.
     */
    public static Transition monitorMove(MonitorState before, Transition local, Verdict v, Observation o) {
        MonitorState n = local.next();
        boolean wasDown = before.status().confirmed();
        boolean down = v.kind() == Kind.DOWN && (wasDown || !o.healthy());
        MonitorStatus status;
        Long streakStart = n.streakStartedAt();
        Long streakFirst = n.streakFirstResultId();
        if (down) {
            status = !o.healthy() ? MonitorStatus.confirmedBy(o.failure()) : n.status().confirmed() ? n.status() : before.status();
            if (!wasDown) {
                // The outage began with the failure of the location that failed first.
                Location first = v.earliest();
                streakStart = first.since();
                streakFirst = first.state().streakFirstResultId();
            }
        } else {
            // Locations confirmed down without a quorum: the monitor is not down, it is suspect (a regional
            // degradation), whichever location probed last.
            status = n.status().confirmed() || !v.failing().isEmpty() ? MonitorStatus.SUSPECT : n.status();
        }
        // As the state machine does: the open incident carries over only while the outage holds.
        Long openIncident = down && wasDown ? before.openIncidentId() : null;
        MonitorState next = new MonitorState(status, n.consecutiveFailures(), n.consecutiveSuccesses(), streakStart, streakFirst,
                openIncident, before.probes() + 1);
        Transition.Opened opened = null;
        Transition.Resolved resolved = null;
        if (down && !wasDown) {
            int failingProbes = v.failing().stream().mapToInt(l -> l.state().consecutiveFailures()).sum();
            opened = new Transition.Opened(o.failure(), streakStart, o.finishedAt(), streakFirst, Math.max(1, failingProbes));
        } else if (!down && wasDown) {
            resolved = local.resolved() != null ? local.resolved() : new Transition.Resolved(o.finishedAt());
        }
        return new Transition(before, next, opened, resolved);
    }

    /**
     * The degradation a regional verdict is, of {@code severity} (P2 unless the monitor says P3),
     * headed by the first failing location's failure and naming every failing location; null unless
     * the verdict is {@link Kind#REGIONAL}.
     */
    public static Degradation regional(Verdict v, Severity severity) {
        if (severity == Severity.P1) {
            throw new IllegalArgumentException("a regional degradation is never a P1 page");
        }
        if (v.kind() != Kind.REGIONAL) {
            return null;
        }
        Location first = v.earliest();
        Failure seen = v.failing().stream().map(Location::lastFailure).filter(f -> f != null).findFirst().orElse(null);
        Failure f = first.lastFailure() != null ? first.lastFailure() : seen;
        Failure headline = f == null ? null : new Failure(f.reason(), f.phase(), v.headline() + ": " + f.message());
        if (headline == null) {
            return null; // every failing location is recovering: nothing failing to name
        }
        int failingProbes = v.failing().stream().mapToInt(l -> l.state().consecutiveFailures()).sum();
        return new Degradation(severity, headline, first.since(), Math.max(1, failingProbes), List.of("regional"));
    }
}
