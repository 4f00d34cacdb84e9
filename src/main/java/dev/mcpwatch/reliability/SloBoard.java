package dev.mcpwatch.reliability;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.RecordStore;
import dev.mcpwatch.store.ToolCallStore;
import dev.mcpwatch.web.Fmt;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where the configured SLOs stand: each one's events counted from the rollups (or a tool's health
 * calls) over its windows, time in maintenance left out, evaluated into attainment, error budget and
 * burn rates ({@link SloStatus}). The Reliability page, {@code GET /api/slos} and the burn-rate
 * alerts all ask here.
 */
public final class SloBoard {
    /** Points of the budget chart over an SLO's window. */
    static final int CHART_STEPS = 30;

    private final Database db;
    private final Supplier<List<Slo>> slos;
    private final Supplier<List<MaintenanceWindow>> maintenance;
    private final RecordStore store = new RecordStore();
    private final ToolCallStore tools = new ToolCallStore();

    public SloBoard(Database db, Supplier<List<Slo>> slos, Supplier<List<MaintenanceWindow>> maintenance) {
        this.db = db;
        this.slos = slos;
        this.maintenance = maintenance;
    }

    public List<Slo> slos() {
        return slos.get();
    }

    /** An SLO on the page: where it stands, its budget along the window, and the monitors it counts. */
    public record View(Slo slo, SloStatus status, RecordCharts.Line budget, List<String> monitors) {}

    /** The SLOs that concern a scope (all of them for the whole installation), evaluated now. */
    public List<View> views(RecordReader.Scope scope, long now) throws SQLException {
        List<View> out = new ArrayList<>();
        List<RecordStore.MonitorEntry> monitors = db.read(store::monitors);
        for (Slo slo : slos.get()) {
            List<String> ids = monitorsOf(slo, monitors);
            if (!concerns(slo, scope, ids, monitors)) {
                continue;
            }
            CountSource source = source(slo, ids, now);
            SloStatus status = evaluate(slo, source, now);
            List<SloStatus.BudgetPoint> points = unchecked(() -> SloStatus.budgetOverWindow(slo, source, now, chartStep(slo.window())));
            String summary = "Error budget left over the last " + Windows.words(slo.window()) + ": " + Fmt.pct3(status.budget().remaining())
                    + " now.";
            out.add(new View(slo, status, RecordCharts.budget(points, summary), ids));
        }
        return out;
    }

    /**
     * What a public status page may show of an SLO (with {@code status_page: true}) on one of its
     * monitors: the objective and its attainment over the window, nothing about budgets or alerts.
     */
    public record Attainment(String monitorId, String name, String objective, double target, String window, Double attainment) {}

    /** The attainment of each status-page SLO on one of these monitors, now. */
    public List<Attainment> publicAttainment(java.util.Collection<String> monitorIds, long now) throws SQLException {
        List<Attainment> out = new ArrayList<>();
        for (Slo slo : slos.get()) {
            if (!slo.statusPage() || slo.monitor() == null || !monitorIds.contains(slo.monitor())) {
                continue;
            }
            CountSource source = source(slo, List.of(slo.monitor()), now);
            Counts counts = unchecked(() -> source.counts(Windows.ending(now, slo.window())));
            String objective = slo.objective() == Objective.LATENCY ? "probes under " + Fmt.ms((double) slo.threshold().toMillis())
                    : slo.tool() != null ? "successful calls of " + slo.tool() : "availability";
            out.add(new Attainment(slo.monitor(), slo.name(), objective, slo.target(), Windows.words(slo.window()), counts.ratio()));
        }
        return out;
    }

    /** One SLO evaluated now: attainment, budget and every alert's burn. */
    public SloStatus evaluate(Slo slo, long now) throws SQLException {
        List<String> ids = monitorsOf(slo, db.read(store::monitors));
        return evaluate(slo, source(slo, ids, now), now);
    }

    private static SloStatus evaluate(Slo slo, CountSource source, long now) throws SQLException {
        return unchecked(() -> SloStatus.evaluate(slo, source, now));
    }

    /** {@code GET /api/slos}: every SLO with attainment, budget in events and minutes, burn rates and alerts. */
    public ObjectNode json(long now) throws SQLException {
        ObjectNode out = Json.object();
        out.put("generatedAt", Instant.ofEpochMilli(now).toString());
        ArrayNode items = out.putArray("items");
        for (View v : views(RecordReader.Scope.ALL, now)) {
            items.add(json(v.status(), v.monitors()));
        }
        return out;
    }

    /** One SLO in force as an item of {@code GET /api/slos}, evaluated now. */
    public ObjectNode json(String id, long now) throws SQLException {
        Slo slo = slos.get().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new java.util.NoSuchElementException("no SLO '" + id + "'"));
        List<String> ids = monitorsOf(slo, db.read(store::monitors));
        return json(evaluate(slo, source(slo, ids, now), now), ids);
    }

    static ObjectNode json(SloStatus s, List<String> monitors) {
        Slo slo = s.slo();
        ObjectNode o = Json.object();
        o.put("id", slo.id());
        o.put("name", slo.name());
        o.put("monitor", slo.monitor());
        o.put("tag", slo.tag());
        o.put("tool", slo.tool());
        o.put("objective", slo.objective().wireName());
        o.put("target", slo.target());
        o.put("window", Windows.words(slo.window()));
        o.put("thresholdMs", slo.threshold() == null ? null : slo.threshold().toMillis());
        ArrayNode ms = o.putArray("monitors");
        monitors.forEach(ms::add);
        Budget b = s.budget();
        o.put("attainment", b.attainment());
        o.put("goodEvents", b.counts().good());
        o.put("events", b.counts().total());
        ObjectNode budget = o.putObject("budget");
        budget.put("allowedEvents", b.allowedEvents());
        budget.put("consumedEvents", b.consumedEvents());
        budget.put("remainingEvents", b.remainingEvents());
        budget.put("consumed", b.consumed());
        budget.put("remaining", b.remaining());
        budget.put("allowedMinutes", b.allowedMinutes());
        budget.put("consumedMinutes", b.consumedMinutes());
        budget.put("remainingMinutes", b.remainingMinutes());
        ObjectNode rates = o.putObject("burnRates");
        s.burnRates().forEach(rates::put);
        ArrayNode alerts = o.putArray("alerts");
        for (SloStatus.Reading r : s.alerts()) {
            ObjectNode a = alerts.addObject();
            a.put("name", r.name());
            a.put("factor", r.alert().factor());
            a.put("severity", r.alert().severity().wireName());
            a.put("longBurn", r.longBurn());
            a.put("shortBurn", r.shortBurn());
            a.put("burning", r.burning());
        }
        return o;
    }

    /** The monitors an SLO counts: its monitor, or every monitor with its tag that has not been removed. */
    static List<String> monitorsOf(Slo slo, List<RecordStore.MonitorEntry> monitors) {
        if (slo.monitor() != null) {
            return List.of(slo.monitor());
        }
        return monitors.stream().filter(m -> m.removedAt() == null && m.tags().contains(slo.tag())).map(RecordStore.MonitorEntry::id)
                .toList();
    }

    private static boolean concerns(Slo slo, RecordReader.Scope scope, List<String> ids, List<RecordStore.MonitorEntry> monitors) {
        if (scope.monitor() != null) {
            return ids.contains(scope.monitor());
        }
        if (scope.tag() != null) {
            return scope.tag().equals(slo.tag()) || monitors.stream().anyMatch(m -> m.id().equals(slo.monitor()) && m.tags().contains(scope.tag()));
        }
        return true;
    }

    /**
     * The SLO's events in a span, read from the database: the monitors grouped by the maintenance
     * that covered them, each group's buckets read by a {@link Cover} plan, maintenance's buckets left
     * out.
     */
    CountSource source(Slo slo, List<String> ids, long now) throws SQLException {
        Duration longest = slo.window();
        for (BurnAlert a : slo.alerts()) {
            longest = a.longWindow().compareTo(longest) > 0 ? a.longWindow() : longest;
        }
        long from = Windows.ending(now, longest).start();
        Map<TimeSet, List<String>> groups = new LinkedHashMap<>();
        long minutesSince;
        Map<String, List<String>> tags = new HashMap<>();
        List<RecordStore.MonitorEntry> all = db.read(store::monitors);
        all.stream().filter(m -> ids.contains(m.id())).forEach(m -> tags.put(m.id(), m.tags()));
        Long oldest = db.read(store::oldestMinute);
        minutesSince = oldest == null ? Long.MAX_VALUE : oldest;
        List<Unwatched.Occurrence> occurrences = new ArrayList<>();
        for (RecordStore.OccurrenceRow o : db.read(c -> store.occurrences(c, from, now + 1))) {
            occurrences.add(new Unwatched.Occurrence(o.window(), o.start(), o.end(), o.monitors(), o.tags()));
        }
        for (MaintenanceWindow w : maintenance.get()) {
            Unwatched.Occurrence o = Unwatched.Occurrence.inProgress(w, Instant.ofEpochMilli(now));
            if (o != null) {
                occurrences.add(o);
            }
        }
        groups.putAll(new Unwatched(occurrences, Map.of()).byMaintenance(tags));
        long since = minutesSince;
        return span -> {
            try {
                return db.read(c -> {
                    Counts sum = Counts.NONE;
                    for (Map.Entry<TimeSet, List<String>> g : groups.entrySet()) {
                        for (Cover.Run run : Cover.of(span.start(), span.end(), g.getKey(), since)) {
                            if (run.maintenance()) {
                                continue;
                            }
                            sum = sum.plus(counts(c, slo, run, g.getValue()));
                        }
                    }
                    return sum;
                });
            } catch (SQLException e) {
                throw new Unavailable(e);
            }
        };
    }

    private Counts counts(java.sql.Connection c, Slo slo, Cover.Run run, List<String> ids) throws SQLException {
        if (slo.tool() != null) {
            ToolCallStore.Counts calls = tools.calls(c, run.resolution(), run.from(), run.to(), ids, slo.tool());
            return new Counts(calls.calls() - calls.errors(), calls.calls());
        }
        if (slo.objective() == Objective.LATENCY) {
            long[] n = store.latencyUnder(c, run.resolution(), run.from(), run.to(), ids, slo.threshold().toMillis());
            return new Counts(n[0], n[1]);
        }
        long probes = 0;
        long failures = 0;
        for (long[] n : store.counts(c, run.resolution(), run.from(), run.to(), ids).values()) {
            probes += n[0];
            failures += n[1];
        }
        return new Counts(probes - failures, probes);
    }

    private static Duration chartStep(Duration window) {
        long minutes = Math.max(1, window.toMinutes() / CHART_STEPS);
        return Duration.ofMinutes(minutes);
    }

    /** A database failure inside a {@link CountSource}, which cannot throw it as itself. */
    private static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private interface Reading<T> {
        T get();
    }

    private static <T> T unchecked(Reading<T> r) throws SQLException {
        try {
            return r.get();
        } catch (Unavailable e) {
            throw (SQLException) e.getCause();
        }
    }
}
