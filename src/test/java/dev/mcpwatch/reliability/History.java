package dev.mcpwatch.reliability;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.store.Resolution;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated history: monitors probed once a minute (at the minute's start) for weeks or months,
 * healthy unless an outage or a failure pattern says otherwise, each outage with the incident the
 * state machine would have recorded at the defaults (3 failures to confirm, 2 successes to resolve).
 * Its rollups are added up minute by minute into hours and days, and read back by {@link Cover} runs
 * exactly as the store reads rollups — so a test can assert exact figures computed by hand.
 */
final class History {
    static final long MINUTE = 60_000;

    final long start;
    final int minutes;
    private final Map<String, Probes> monitors = new LinkedHashMap<>();
    private final List<IncidentFacts> incidents = new ArrayList<>();
    private long nextIncident = 1;

    History(String start, Duration length) {
        this.start = Instant.parse(start).toEpochMilli();
        this.minutes = (int) (length.toMillis() / MINUTE);
    }

    /** One monitor's probes: failed or not, and the total time of the healthy ones. */
    static final class Probes {
        final boolean[] failed;
        final boolean[] absent;
        final double[] totalMs;

        Probes(int minutes) {
            failed = new boolean[minutes];
            absent = new boolean[minutes];
            totalMs = new double[minutes];
            java.util.Arrays.fill(totalMs, 120);
        }
    }

    History monitor(String id) {
        monitors.put(id, new Probes(minutes));
        return this;
    }

    Probes probes(String id) {
        return monitors.get(id);
    }

    int minuteOf(long t) {
        return (int) ((t - start) / MINUTE);
    }

    static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    /** Probes failing from {@code from} (inclusive) to {@code to} (exclusive), with no incident recorded. */
    History failing(String id, long from, long to) {
        Probes p = monitors.get(id);
        for (int m = Math.max(0, minuteOf(from)); m < Math.min(minutes, minuteOf(to)); m++) {
            p.failed[m] = true;
        }
        return this;
    }

    /** No probes from {@code from} to {@code to}: the monitor was paused. */
    History paused(String id, long from, long to) {
        Probes p = monitors.get(id);
        for (int m = Math.max(0, minuteOf(from)); m < Math.min(minutes, minuteOf(to)); m++) {
            p.absent[m] = true;
        }
        return this;
    }

    /** Healthy probes slower than usual from {@code from} to {@code to}. */
    History slow(String id, long from, long to, double ms) {
        Probes p = monitors.get(id);
        for (int m = Math.max(0, minuteOf(from)); m < Math.min(minutes, minuteOf(to)); m++) {
            p.totalMs[m] = ms;
        }
        return this;
    }

    /** What an outage's incident looked like besides its probes. */
    record Response(Severity severity, Reason reason, Duration notifyAfter, Duration ackAfter, ResolvedBy resolvedBy,
            List<IncidentFacts.SeverityChange> changes) {
        static Response p1(Reason reason) {
            return new Response(Severity.P1, reason, null, null, ResolvedBy.RECOVERY, List.of());
        }

        Response notified(Duration d) {
            return new Response(severity, reason, d, ackAfter, resolvedBy, changes);
        }

        Response acked(Duration d) {
            return new Response(severity, reason, notifyAfter, d, resolvedBy, changes);
        }

        Response by(ResolvedBy r) {
            return new Response(severity, reason, notifyAfter, ackAfter, r, changes);
        }

        Response severity(Severity s) {
            return new Response(s, reason, notifyAfter, ackAfter, resolvedBy, changes);
        }

        Response change(long at, Severity to) {
            List<IncidentFacts.SeverityChange> c = new ArrayList<>(changes);
            c.add(new IncidentFacts.SeverityChange(at, to));
            return new Response(severity, reason, notifyAfter, ackAfter, resolvedBy, c);
        }
    }

    /**
     * An outage: probes fail from {@code onset} for {@code length} (whole minutes). Its incident is
     * detected at the third failing probe (onset + 2 min), notified and acknowledged after the given
     * delays (counted from detection and from notification), and resolved at the second healthy probe
     * (the outage's end + 1 min) — or left open when the history ends first.
     */
    IncidentFacts outage(String id, String onset, Duration length, Response r) {
        long from = at(onset);
        long to = from + length.toMillis();
        failing(id, from, to);
        long detected = from + 2 * MINUTE;
        Long notified = r.notifyAfter() == null ? null : detected + r.notifyAfter().toMillis();
        Long acked = r.ackAfter() == null ? null : (notified != null ? notified : detected) + r.ackAfter().toMillis();
        long resolved = to + MINUTE;
        boolean open = minuteOf(resolved) >= minutes;
        IncidentFacts i = new IncidentFacts(nextIncident++, id, r.severity(), r.reason(), r.reason().layer(), from, detected, notified, acked,
                open ? null : resolved, open ? null : r.resolvedBy(), r.changes());
        incidents.add(i);
        return i;
    }

    List<IncidentFacts> incidents() {
        return List.copyOf(incidents);
    }

    List<IncidentFacts> incidentsOf(List<String> ids) {
        return incidents.stream().filter(i -> ids.contains(i.monitorId())).toList();
    }

    long end() {
        return start + minutes * MINUTE;
    }

    // --- rollups -------------------------------------------------------------------------------

    /** Probes and failures of minutes [a, b) of some monitors: the brute-force answer runs must match. */
    long[] sumMinutes(List<String> ids, long from, long to, TimeSet excluded, boolean inExcluded) {
        long probes = 0;
        long failures = 0;
        for (String id : ids) {
            Probes p = monitors.get(id);
            for (int m = Math.max(0, minuteOf(from)); m < Math.min(minutes, minuteOf(to)); m++) {
                long t = start + m * MINUTE;
                if (t < from || p.absent[m] || excluded.contains(t) != inExcluded) {
                    continue;
                }
                probes++;
                failures += p.failed[m] ? 1 : 0;
            }
        }
        return new long[] {probes, failures};
    }

    /**
     * Rollups at the three resolutions as prefix sums, so a run of buckets is two lookups, like an
     * indexed range read. Minutes before {@code minutesSince} are "gone", as retention would have them.
     */
    final class Rollups {
        private final Map<Resolution, long[][]> prefix = new LinkedHashMap<>();
        private final long origin;

        Rollups(List<String> ids, java.util.function.DoublePredicate goodLatency) {
            origin = Resolution.DAY.bucketStart(start);
            for (Resolution r : Resolution.values()) {
                int n = (int) ((end() - origin + r.millis() - 1) / r.millis()) + 1;
                long[] probes = new long[n + 1];
                long[] failures = new long[n + 1];
                long[] good = new long[n + 1];
                for (String id : ids) {
                    Probes p = monitors.get(id);
                    for (int m = 0; m < minutes; m++) {
                        if (p.absent[m]) {
                            continue;
                        }
                        int b = (int) ((start + m * MINUTE - origin) / r.millis());
                        probes[b + 1]++;
                        failures[b + 1] += p.failed[m] ? 1 : 0;
                        good[b + 1] += !p.failed[m] && goodLatency.test(p.totalMs[m]) ? 1 : 0;
                    }
                }
                for (int i = 1; i <= n; i++) {
                    probes[i] += probes[i - 1];
                    failures[i] += failures[i - 1];
                    good[i] += good[i - 1];
                }
                prefix.put(r, new long[][] {probes, failures, good});
            }
        }

        /** {probes, failures, healthy probes under the latency threshold} of one run. */
        long[] run(Cover.Run run) {
            long[][] p = prefix.get(run.resolution());
            int a = (int) Math.max(0, (run.from() - origin) / run.resolution().millis());
            int b = (int) Math.min(p[0].length - 1, Math.max(0, (run.to() - origin) / run.resolution().millis()));
            if (b <= a) {
                return new long[3];
            }
            return new long[] {p[0][b] - p[0][a], p[1][b] - p[1][a], p[2][b] - p[2][a]};
        }

        /** Availability of a period with these maintenance and paused times. */
        Availability availability(Period period, TimeSet maintenance, TimeSet paused, long minutesSince) {
            long probes = 0;
            long failures = 0;
            long mProbes = 0;
            long mFailures = 0;
            for (Cover.Run run : Cover.of(period.start(), period.end(), maintenance, minutesSince)) {
                long[] s = run(run);
                if (run.maintenance()) {
                    mProbes += s[0];
                    mFailures += s[1];
                } else {
                    probes += s[0];
                    failures += s[1];
                }
            }
            return new Availability(probes, failures, mProbes, mFailures, maintenance.within(period.start(), period.end()),
                    paused.within(period.start(), period.end()));
        }

        /** An SLO's events: availability (healthy of all) or latency (fast of healthy), maintenance left out. */
        CountSource source(Objective objective, TimeSet maintenance) {
            return span -> {
                long total = 0;
                long good = 0;
                for (Cover.Run run : Cover.of(span.start(), span.end(), maintenance, Long.MIN_VALUE)) {
                    if (run.maintenance()) {
                        continue;
                    }
                    long[] s = run(run);
                    if (objective == Objective.AVAILABILITY) {
                        total += s[0];
                        good += s[0] - s[1];
                    } else {
                        total += s[0] - s[1];
                        good += s[2];
                    }
                }
                return new Counts(good, total);
            };
        }
    }
}
