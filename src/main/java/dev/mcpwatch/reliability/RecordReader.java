package dev.mcpwatch.reliability;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Layer;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.RecordStore;
import dev.mcpwatch.store.Resolution;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads the reliability record out of the database: for a scope (every monitor, a tag's, one) and
 * some periods, the availability from the rollups and the incidents behind MTTD, MTTA and MTTR, with
 * maintenance and paused time left out as docs/reliability.md says. The dashboard's Reliability page,
 * {@code GET /api/reliability} and {@code mcpwatch report} all read through here.
 */
public final class RecordReader {
    /** Below this many monitors a rollup query names them; above it, one grouped scan of every monitor is cheaper. */
    static final int NAMED = 500;

    /** Whose record: every monitor (both null), a tag's monitors, or one monitor. */
    public record Scope(String monitor, String tag) {
        public static final Scope ALL = new Scope(null, null);

        public Scope {
            if (monitor != null && tag != null) {
                throw new IllegalArgumentException("give a monitor or a tag, not both");
            }
            monitor = monitor == null || monitor.isBlank() ? null : monitor.strip();
            tag = tag == null || tag.isBlank() ? null : tag.strip();
        }

        public static Scope of(String monitor, String tag) {
            return new Scope(monitor, tag);
        }

        /** {@code all monitors}, {@code tag prod}, {@code monitor weather}. */
        public String label() {
            return monitor != null ? "monitor " + monitor : tag != null ? "tag " + tag : "all monitors";
        }

        boolean includes(RecordStore.MonitorEntry m) {
            return monitor != null ? m.id().equals(monitor) : tag == null || m.tags().contains(tag);
        }
    }

    /** The figures of each period, oldest first, and each monitor's for the last one when asked. */
    public record Result(Scope scope, List<Figures> periods, List<Report.MonitorFigures> monitors, long at) {
        /** The change of each period from the one before it (null for the first). */
        public Change changeAt(int i) {
            return i == 0 ? null : Change.between(periods.get(i - 1), periods.get(i));
        }
    }

    private final Database db;
    private final Supplier<List<MaintenanceWindow>> maintenance;
    private final InstantSource clock;
    private final RecordStore store = new RecordStore();
    private final int named;

    /**
     * How long the figures of a closed period (a month over, its incidents all resolved) are kept and
     * served again: long enough for the page's twelve past months to cost nothing on the next view,
     * short enough that a result written late (buffered while the database was away) shows soon.
     */
    static final Duration KEEP = Duration.ofMinutes(10);

    private record Key(Scope scope, long start, long end) {}

    private record Kept(Figures figures, long at) {}

    /** The kept periods, the least recently read dropped first beyond a few hundred. */
    private final Map<Key, Kept> kept = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Kept> eldest) {
            return size() > 512;
        }
    });

    /**
     * @param maintenance the configured windows, for the occurrence in progress that is not recorded yet
     */
    public RecordReader(Database db, Supplier<List<MaintenanceWindow>> maintenance, InstantSource clock) {
        this(db, maintenance, clock, NAMED);
    }

    /** With another threshold between naming a group's monitors and scanning them all (tests read both ways). */
    RecordReader(Database db, Supplier<List<MaintenanceWindow>> maintenance, InstantSource clock, int named) {
        this.db = db;
        this.maintenance = maintenance;
        this.clock = clock;
        this.named = named;
    }

    /** The month and the month before, and each monitor's month: {@code mcpwatch report}. */
    public Report report(Scope scope, YearMonth month) throws SQLException {
        Result r = read(scope, List.of(Period.month(month.minusMonths(1)), Period.month(month)), true);
        return new Report(scope.label(), r.periods().get(1), r.periods().get(0), r.monitors(), r.at());
    }

    /**
     * The record of {@code scope} over {@code periods} (oldest first; cut to now when they reach past
     * it), and each monitor's figures of the last period when {@code perMonitor}.
     *
     * @throws NoSuchElementException when the monitor, or every monitor of the tag, is unknown
     */
    public Result read(Scope scope, List<Period> periods, boolean perMonitor) throws SQLException {
        long now = clock.millis();
        List<Period> cut = new ArrayList<>();
        for (Period p : periods) {
            if (p.start() < now) {
                cut.add(p.until(now));
            }
        }
        if (cut.isEmpty()) {
            throw new IllegalArgumentException("the record has nothing after now (" + Instant.ofEpochMilli(now) + ") to show");
        }
        // Closed months read a minute ago need not be read again (the page shows 13 of them at each view).
        Figures[] known = new Figures[cut.size()];
        List<Period> todo = new ArrayList<>();
        for (int i = 0; i < cut.size(); i++) {
            Period p = cut.get(i);
            Kept k = perMonitor && i == cut.size() - 1 ? null : kept.get(new Key(scope, p.start(), p.end()));
            if (k != null && now - k.at() < KEEP.toMillis() && now >= k.at()) {
                known[i] = k.figures();
            } else {
                todo.add(p);
            }
        }
        if (todo.isEmpty()) {
            return new Result(scope, List.of(known), List.of(), now);
        }
        long from = todo.getFirst().start();
        long to = todo.getLast().end();
        return db.read(c -> {
            Map<String, RecordStore.MonitorEntry> monitors = monitors(c, scope);
            Unwatched unwatched = unwatched(c, from, to, now);
            Map<String, TimeSet> unwatchedBy = new HashMap<>();
            monitors.values().forEach(m -> unwatchedBy.put(m.id(), unwatched.of(m.id(), m.tags())));
            List<IncidentFacts> incidents = incidents(c, monitors.keySet(), from, to);
            Long oldest = store.oldestMinute(c);
            long minutesSince = oldest == null ? Long.MAX_VALUE : oldest;

            List<Figures> figures = new ArrayList<>();
            Map<String, Availability> lastByMonitor = Map.of();
            for (int i = 0; i < cut.size(); i++) {
                Period p = cut.get(i);
                if (known[i] != null) {
                    figures.add(known[i]);
                    continue;
                }
                Map<String, Availability> byMonitor = availability(c, p, monitors, unwatched, minutesSince);
                Availability all = Availability.NONE;
                for (Availability a : byMonitor.values()) {
                    all = all.plus(a);
                }
                Figures f = Figures.of(p, all, overlapping(incidents, p), id -> unwatchedBy.getOrDefault(id, TimeSet.EMPTY), now);
                figures.add(f);
                // a month over, every incident in it over: its figures stay as they are (but for late writes, hence KEEP)
                if (p.end() < now && f.lines().stream().allMatch(l -> l.incident().resolvedAt() != null)) {
                    kept.put(new Key(scope, p.start(), p.end()), new Kept(f, now));
                }
                lastByMonitor = byMonitor;
            }
            List<Report.MonitorFigures> each = new ArrayList<>();
            if (perMonitor) {
                Period last = cut.getLast();
                Map<String, List<IncidentFacts>> byMonitor = new HashMap<>();
                for (IncidentFacts i : overlapping(incidents, last)) {
                    byMonitor.computeIfAbsent(i.monitorId(), k -> new ArrayList<>()).add(i);
                }
                for (RecordStore.MonitorEntry m : monitors.values()) {
                    Availability a = lastByMonitor.getOrDefault(m.id(), Availability.NONE);
                    List<IncidentFacts> own = byMonitor.getOrDefault(m.id(), List.of());
                    if (a.probes() + a.maintenanceProbes() == 0 && own.isEmpty()) {
                        continue; // not watched in the period (added later, removed before): nothing to report
                    }
                    each.add(new Report.MonitorFigures(m.id(), m.name(), Figures.of(last, a, own, id -> unwatchedBy.get(m.id()), now)));
                }
            }
            return new Result(scope, figures, each, now);
        });
    }

    private Map<String, RecordStore.MonitorEntry> monitors(Connection c, Scope scope) throws SQLException {
        Map<String, RecordStore.MonitorEntry> out = new LinkedHashMap<>();
        for (RecordStore.MonitorEntry m : store.monitors(c)) {
            if (scope.includes(m)) {
                out.put(m.id(), m);
            }
        }
        if (out.isEmpty() && scope.monitor() != null) {
            throw new NoSuchElementException("no monitor '" + scope.monitor() + "'");
        }
        if (out.isEmpty() && scope.tag() != null) {
            throw new NoSuchElementException("no monitor has the tag '" + scope.tag() + "'");
        }
        return out;
    }

    /** Recorded maintenance and pauses over the time read, and the configured window in progress if it is not recorded yet. */
    private Unwatched unwatched(Connection c, long from, long to, long now) throws SQLException {
        List<Unwatched.Occurrence> occurrences = new ArrayList<>();
        Set<String> recorded = new HashSet<>();
        for (RecordStore.OccurrenceRow o : store.occurrences(c, from, to)) {
            occurrences.add(new Unwatched.Occurrence(o.window(), o.start(), o.end(), o.monitors(), o.tags()));
            recorded.add(o.window() + "@" + o.start());
        }
        for (MaintenanceWindow w : maintenance.get()) {
            Unwatched.Occurrence o = Unwatched.Occurrence.inProgress(w, Instant.ofEpochMilli(now));
            if (o != null && !recorded.contains(o.window() + "@" + o.start())) {
                occurrences.add(o);
            }
        }
        Map<String, List<Span>> pauses = new HashMap<>();
        for (RecordStore.PauseRow p : store.pauses(c, from, to)) {
            long end = p.resumedAt() == null ? Math.max(now, p.pausedAt()) : p.resumedAt();
            pauses.computeIfAbsent(p.monitorId(), k -> new ArrayList<>()).add(new Span(p.pausedAt(), end));
        }
        return new Unwatched(occurrences, pauses);
    }

    private List<IncidentFacts> incidents(Connection c, Set<String> monitors, long from, long to) throws SQLException {
        List<RecordStore.IncidentRow> rows = store.incidents(c, monitors, from, to);
        Map<Long, List<IncidentFacts.SeverityChange>> changes = new HashMap<>();
        for (RecordStore.SeverityChange ch : store.severityChanges(c, rows.stream().map(r -> r.incident().id()).toList())) {
            changes.computeIfAbsent(ch.incidentId(), k -> new ArrayList<>()).add(new IncidentFacts.SeverityChange(ch.at(), ch.to()));
        }
        List<IncidentFacts> out = new ArrayList<>();
        for (RecordStore.IncidentRow r : rows) {
            Incident i = r.incident();
            if (i.severity() == Severity.P3) {
                continue; // warnings, not incidents (docs/reliability.md)
            }
            ResolvedBy by = r.resolvedBy() != null ? ResolvedBy.fromWireName(r.resolvedBy()) : i.resolvedAt() == null ? null : ResolvedBy.RECOVERY;
            Layer layer = i.headline().layer();
            out.add(new IncidentFacts(i.id(), i.monitorId(), i.severity(), i.headline().reason(), layer, i.onsetAt(), i.detectedAt(),
                    i.notifiedAt(), i.acknowledgedAt(), i.resolvedAt(), by, changes.getOrDefault(i.id(), List.of())));
        }
        return out;
    }

    private static List<IncidentFacts> overlapping(List<IncidentFacts> all, Period p) {
        return all.stream().filter(i -> i.onsetAt() < p.end() && (i.resolvedAt() == null || i.resolvedAt() >= p.start())).toList();
    }

    /**
     * Each monitor's availability over the period: monitors grouped by the maintenance that covered
     * them, each group's rollups read by one {@link Cover} plan, probes inside maintenance apart.
     */
    private Map<String, Availability> availability(Connection c, Period p, Map<String, RecordStore.MonitorEntry> monitors,
            Unwatched unwatched, long minutesSince) throws SQLException {
        Map<String, List<String>> tags = new LinkedHashMap<>();
        monitors.values().forEach(m -> tags.put(m.id(), m.tags()));
        Map<String, long[]> sums = new HashMap<>();
        Map<String, Map<String, long[]>> scans = new HashMap<>();
        for (Map.Entry<TimeSet, List<String>> group : unwatched.byMaintenance(tags).entrySet()) {
            List<String> ids = group.getValue();
            List<Cover.Run> runs = Cover.of(p.start(), p.end(), group.getKey(), minutesSince);
            if (ids.size() > named) {
                runs = dayRunsAsOne(c, runs, ids, sums, scans);
            }
            for (Cover.Run run : runs) {
                Map<String, long[]> counts = ids.size() <= named ? store.counts(c, run.resolution(), run.from(), run.to(), ids)
                        : scan(c, run.resolution(), run.from(), run.to(), scans);
                add(sums, ids, counts, run.maintenance() ? 2 : 0, 1);
            }
        }
        Map<String, Availability> out = new HashMap<>();
        for (RecordStore.MonitorEntry m : monitors.values()) {
            long[] s = sums.getOrDefault(m.id(), new long[4]);
            long maintenanceMs = unwatched.maintenance(m.id(), m.tags()).within(p.start(), p.end());
            long pausedMs = unwatched.paused(m.id()).within(p.start(), p.end());
            if (s[0] + s[2] > 0 || maintenanceMs > 0 || pausedMs > 0) {
                out.put(m.id(), new Availability(s[0], s[1], s[2], s[3], maintenanceMs, pausedMs));
            }
        }
        return out;
    }

    /**
     * The watched day runs of a large group read as one: the days from the first to the last in one
     * scan, less the days between them that the plan reads otherwise (by the hour around a maintenance
     * window, or whole as maintenance). Most months are then one scan of every monitor's days, shared
     * by every large group, however many windows cut into them. Returns the runs left to read.
     */
    private List<Cover.Run> dayRunsAsOne(Connection c, List<Cover.Run> runs, List<String> ids, Map<String, long[]> sums,
            Map<String, Map<String, long[]>> scans) throws SQLException {
        List<Cover.Run> days = runs.stream().filter(r -> r.resolution() == Resolution.DAY && !r.maintenance()).toList();
        if (days.size() < 2) {
            return runs;
        }
        long from = days.getFirst().from();
        long to = days.getLast().to();
        add(sums, ids, scan(c, Resolution.DAY, from, to, scans), 0, 1);
        for (int i = 1; i < days.size(); i++) {
            add(sums, ids, scan(c, Resolution.DAY, days.get(i - 1).to(), days.get(i).from(), scans), 0, -1);
        }
        return runs.stream().filter(r -> !days.contains(r)).toList();
    }

    /** Every monitor's sums over buckets of one resolution, read once per stretch and shared by the groups that need it. */
    private Map<String, long[]> scan(Connection c, Resolution res, long from, long to, Map<String, Map<String, long[]>> scans)
            throws SQLException {
        String key = res + ":" + from + ":" + to;
        Map<String, long[]> scanned = scans.get(key);
        if (scanned == null) {
            scanned = store.counts(c, res, from, to, null);
            scans.put(key, scanned);
        }
        return scanned;
    }

    /** Adds ({@code sign} 1) or takes away (-1) each monitor's probes and failures at {@code offset} (0 watched, 2 maintenance). */
    private static void add(Map<String, long[]> sums, List<String> ids, Map<String, long[]> counts, int offset, int sign) {
        for (String id : ids) {
            long[] n = counts.get(id);
            if (n != null) {
                long[] s = sums.computeIfAbsent(id, k -> new long[4]);
                s[offset] += sign * n[0];
                s[offset + 1] += sign * n[1];
            }
        }
    }

    /**
     * The months of a range, for {@code group=month}, or the whole range as one period; times are
     * taken to the minute (the finest rollup), so a range from 10:00:30 starts at 10:00.
     */
    public static List<Period> periods(long from, long to, boolean byMonth) {
        long start = Resolution.MINUTE.bucketStart(from);
        if (to <= start) {
            throw new IllegalArgumentException("'to' (" + Instant.ofEpochMilli(to) + ") must be after 'from' (" + Instant.ofEpochMilli(from) + ")");
        }
        return byMonth ? Period.monthsOf(start, to) : List.of(new Period(Instant.ofEpochMilli(start) + "/" + Instant.ofEpochMilli(to), start, to));
    }
}
