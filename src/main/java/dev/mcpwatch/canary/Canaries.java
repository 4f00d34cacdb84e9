package dev.mcpwatch.canary;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Transport;
import dev.mcpwatch.probe.Urls;
import dev.mcpwatch.store.CanaryStore;
import dev.mcpwatch.store.Database;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.node.ObjectNode;

/**
 * The continuous canaries of {@code serve}: the one owner of their lifecycle. Every interval a
 * canary's round probes both sides (the comparison of {@code mcpwatch canary}, one round at a
 * time), judges the guide's rollback rules over the last five minutes and the progression gate of
 * the stage it is on, and records the round. Entering a rollback publishes {@code canary.rollback}
 * (P1 by default) as a monitor event, so the alert routes carry it like any other, once per rollback.
 *
 * <p>The rules' window lives in memory (a restart begins a new window); the stage, when it began,
 * the promotions and every round's figures are in the database. Time comes from the injected clock:
 * {@link #runDue} runs whatever is due by it, so a test moves a settable clock and calls it.
 */
public final class Canaries implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Canaries.class);
    /** The guide's rollback rules, as {@code mcpwatch canary} applies them by default. */
    static final Thresholds THRESHOLDS = Thresholds.GUIDE;
    /** Rounds are kept this long for the page's charts; a stage's figures never need more. */
    static final Duration KEEP_ROUNDS = Duration.ofDays(30);
    /** At most this many rounds are read for a stage's figures or a chart (a week of 10 s rounds is 60 480). */
    static final int MAX_ROUNDS = 100_000;
    public static final String ALERT = "canary.rollback";

    /**
     * What deploy tooling asks for ({@code GET /api/canaries/{id}}): promote, hold or rollback, the
     * stage, when the next stage may begin (null at 100 % or on rollback), and why; then what it was
     * judged on: the rules with their evidence and the tool-surface diff ({@code analysis}, as
     * {@code mcpwatch canary --json} prints it), null before the first round.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Answer(String id, Decision verdict, int stage, Integer nextStage, Instant nextStageAt, List<String> reasons, String source,
            Instant startedAt, Instant stageStartedAt, @JsonInclude(JsonInclude.Include.ALWAYS) Verdict analysis) {}

    private final Database db;
    private final CanaryStore store = new CanaryStore();
    private final Function<String, MonitorConfig> monitors;
    private final Function<MonitorConfig, ProbeSpec> specs;
    private final Comparison comparison;
    private final MonitorEvents events;
    private final InstantSource clock;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final ExecutorService rounds = Executors.newVirtualThreadPerTaskExecutor();
    private volatile Thread loop;
    private Instant prunedAt = Instant.EPOCH;

    /** A canary in force: its settings, its rules' window, when its next round is due and what the last one found. */
    private static final class Running {
        final CanarySettings settings;
        final History history = new History(THRESHOLDS.window());
        /** Real traffic, read once a round, or null. */
        final PrometheusSource traffic;
        Instant nextAt;
        volatile Verdict verdict;
        volatile String problem;

        Running(CanarySettings settings) {
            this.settings = settings;
            this.traffic = settings.prometheus() == null ? null : new PrometheusSource(URI.create(settings.prometheus().url()),
                    PrometheusSource.Queries.GUIDE, settings.stableLabel(), settings.canaryLabel(), Duration.ofSeconds(10));
        }
    }

    /**
     * @param monitors the monitor in force with an id, or null
     * @param specs how a monitor is probed (its OAuth client included)
     * @param prober probes one spec
     */
    public Canaries(Database db, Function<String, MonitorConfig> monitors, Function<MonitorConfig, ProbeSpec> specs,
            Function<ProbeSpec, ProbeResult> prober, MonitorEvents events, InstantSource clock) {
        this.db = db;
        this.monitors = monitors;
        this.specs = specs;
        this.comparison = new Comparison(prober, clock, Comparison.Pacer.sleeping(clock));
        this.events = events;
        this.clock = clock;
    }

    /**
     * Takes the canaries of the configuration file: new ones start at their stage, known ones keep
     * the stage they reached (unless the file now says another), ones the file dropped are removed;
     * then every canary in the database (the API's too) is put in force.
     */
    public synchronized void load(List<CanarySettings> file) throws SQLException {
        long now = clock.millis();
        db.transaction(c -> {
            Set<String> ids = new LinkedHashSet<>();
            for (CanarySettings s : file) {
                ids.add(s.id());
                store.save(c, s.id(), "file", CanaryJson.write(s), s.stage(), s.stage(), s.startedAt() == null ? now
                        : s.startedAt().toEpochMilli(), now);
            }
            List<String> gone = store.removeFileCanariesExcept(c, ids, now);
            if (!gone.isEmpty()) {
                log.info("canaries no longer in the configuration, stopped: {}", gone);
            }
            return null;
        });
        refresh();
    }

    /** Adds a canary from the API; refused when the id exists (the file's, or the API's). */
    public Answer add(CanarySettings s) throws SQLException {
        long now = clock.millis();
        synchronized (this) {
            db.transaction(c -> {
                CanaryStore.CanaryRow old = store.get(c, s.id());
                if (old != null) {
                    throw new Conflict("canary '" + s.id() + "' already exists (" + ("file".equals(old.source()) ? "the configuration file "
                            + "defines it" : "added through the API; DELETE /api/canaries/" + s.id() + " first") + ")");
                }
                return store.save(c, s.id(), "api", CanaryJson.write(s), s.stage(), null, s.startedAt() == null ? now
                        : s.startedAt().toEpochMilli(), now);
            });
            refresh();
            log.info("canary {} added through the API: {}", s.id(), describe(s));
            return answer(s.id()); // before any round can run: the answer to the request that added it
        }
    }

    /** Removes a canary the API added; the file's are removed from the file. */
    public void remove(String id) throws SQLException {
        synchronized (this) {
            db.transaction(c -> {
                CanaryStore.CanaryRow row = require(c, id);
                if ("file".equals(row.source())) {
                    throw new Conflict("canary '" + id + "' is defined in the configuration file; remove it there");
                }
                return store.remove(c, id, clock.millis());
            });
            refresh();
        }
    }

    /** Records that the canary now takes {@code percent} % of traffic: the stage's minimum time counts from now. */
    public Answer promote(String id, int percent, String by) throws SQLException {
        Stage stage = Stage.of(percent);
        db.transaction(c -> {
            CanaryStore.CanaryRow row = require(c, id);
            if (row.stage() != stage.percent()) {
                store.promote(c, id, stage.percent(), by, clock.millis());
            }
            return null;
        });
        log.info("canary {} at stage {} % ({})", id, stage.percent(), by);
        return answer(id);
    }

    /** Every canary's answer now. */
    public List<Answer> answers() throws SQLException {
        List<Answer> out = new ArrayList<>();
        for (CanaryStore.CanaryRow row : db.read(store::all)) {
            out.add(answer(row));
        }
        return out;
    }

    /** The answer for deploy tooling now: the last round's rules, and the stage's gate at the clock's time. */
    public Answer answer(String id) throws SQLException {
        CanaryStore.CanaryRow row = db.read(c -> require(c, id));
        return answer(row);
    }

    private Answer answer(CanaryStore.CanaryRow row) throws SQLException {
        Instant now = clock.instant();
        Stage stage = Stage.of(row.stage());
        Instant stageStart = Instant.ofEpochMilli(row.stageStartedAt());
        Running r = running.get(row.id());
        Verdict verdict = r == null ? null : r.verdict;
        if (verdict == null) {
            String why = r != null && r.problem != null ? r.problem : "no round yet since mcpwatch started; the rules need "
                    + Analysis.words(THRESHOLDS.window()) + " of rounds";
            Instant due = stage == Stage.ALL ? null : stageStart.plus(stage.minimum());
            return new Answer(row.id(), Decision.HOLD, stage.percent(), stage.next() == null ? null : stage.next().percent(), due,
                    List.of(why), row.source(), Instant.ofEpochMilli(row.startedAt()), stageStart, null);
        }
        Gates.StageFigures figures = figures(db.read(c -> store.rounds(c, row.id(), row.stageStartedAt(), MAX_ROUNDS)), null);
        Gates.Gate gate = Gates.decide(verdict, stage, stageStart, now, figures);
        List<String> reasons = new ArrayList<>(gate.reasons());
        if (r.problem != null) {
            reasons.addFirst(r.problem);
        }
        return new Answer(row.id(), gate.verdict(), stage.percent(), gate.next() == null ? null : gate.next().percent(), gate.nextStageAt(),
                reasons, row.source(), Instant.ofEpochMilli(row.startedAt()), stageStart, verdict);
    }

    /** The settings of a canary in force, or null. */
    public CanarySettings settings(String id) {
        Running r = running.get(id);
        return r == null ? null : r.settings;
    }

    /** Every round since {@code from}, oldest first, and every stage the canary was put on. */
    public CanaryStore.RoundRow[] rounds(String id, Instant from) throws SQLException {
        return db.read(c -> store.rounds(c, id, from.toEpochMilli(), MAX_ROUNDS)).toArray(CanaryStore.RoundRow[]::new);
    }

    public List<CanaryStore.StageRow> stages(String id) throws SQLException {
        return db.read(c -> store.stages(c, id));
    }

    /** Runs a round of every canary that is due by the clock, the canaries side by side; returns how many ran. */
    public synchronized int runDue() {
        Instant now = clock.instant();
        List<Future<?>> started = new ArrayList<>();
        for (Running r : running.values()) {
            if (r.nextAt != null && now.isBefore(r.nextAt)) {
                continue;
            }
            Instant next = r.nextAt == null ? now.plus(r.settings.interval()) : r.nextAt.plus(r.settings.interval());
            // slots a slow round overran are skipped, not made up in a burst
            r.nextAt = next.isAfter(now) ? next : now.plus(r.settings.interval());
            started.add(rounds.submit(() -> round(r)));
        }
        for (Future<?> f : started) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                log.error("a canary round failed", e.getCause());
            }
        }
        if (Duration.between(prunedAt, now).toHours() >= 1) {
            prunedAt = now;
            try {
                db.transaction(c -> store.pruneRounds(c, now.minus(KEEP_ROUNDS).toEpochMilli()));
            } catch (SQLException e) {
                log.warn("could not prune old canary rounds: {}", e.getMessage());
            }
        }
        return started.size();
    }

    /** Runs due rounds every second until closed. */
    public void start() {
        loop = Thread.ofVirtual().name("canaries").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                runDue();
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void round(Running r) {
        CanarySettings s = r.settings;
        List<MonitorConfig> ms = new ArrayList<>();
        for (String id : s.monitors()) {
            MonitorConfig m = monitors.apply(id);
            if (m == null) {
                r.problem = "monitor '" + id + "' of canary '" + s.id() + "' is not defined; no round runs until it is";
                return;
            }
            ms.add(m);
        }
        r.problem = null;
        Comparison.Targets targets = s.split() != null ? new Comparison.OneUrl(specs.apply(ms.getFirst()), s.split().toHeaderSplit())
                : new Comparison.TwoUrls(specs.apply(ms.get(0)), specs.apply(ms.get(1)));
        History h = r.history;
        History.Totals stableBefore = h.totals(Side.STABLE);
        History.Totals canaryBefore = h.totals(Side.CANARY);
        comparison.round(targets, h);
        h.round();
        Instant now = clock.instant();
        // The answer goes to deploy tooling and the dashboard: a URL's query values and user info stay out of it, as for monitors.
        Verdict verdict = Analysis.evaluate(new Analysis.Inputs(h, THRESHOLDS, now, s.interval(), s.allowBreaking(),
                shown(ms.getFirst(), targets.stableTarget()), shown(ms.getLast(), targets.canaryTarget()),
                s.split() == null ? null : s.split().toHeaderSplit(), r.traffic == null ? null : r.traffic.read(THRESHOLDS.window())));
        r.verdict = verdict;
        try {
            db.transaction(c -> {
                record(c, r, verdict, now, stableBefore, canaryBefore);
                return null;
            });
        } catch (SQLException e) {
            log.warn("could not record a round of canary {}: {}", s.id(), e.getMessage());
        }
    }

    private void record(Connection c, Running r, Verdict verdict, Instant now, History.Totals stableBefore, History.Totals canaryBefore)
            throws SQLException {
        CanarySettings s = r.settings;
        CanaryStore.CanaryRow row = store.get(c, s.id());
        if (row == null) {
            return; // removed while the round ran
        }
        History h = r.history;
        History.Totals st = h.totals(Side.STABLE);
        History.Totals ca = h.totals(Side.CANARY);
        CanaryStore.RoundRow partial = new CanaryStore.RoundRow(now.toEpochMilli(), (int) (st.probes() - stableBefore.probes()),
                (int) (st.errors() - stableBefore.errors()), (int) (st.unreachable() - stableBefore.unreachable()),
                latestMs(h, Side.STABLE, st.probes() > stableBefore.probes()), (int) (ca.probes() - canaryBefore.probes()),
                (int) (ca.errors() - canaryBefore.errors()), (int) (ca.unreachable() - canaryBefore.unreachable()),
                latestMs(h, Side.CANARY, ca.probes() > canaryBefore.probes()), errorRate(h.window(Side.STABLE, now)),
                errorRate(h.window(Side.CANARY, now)), p99(h.window(Side.STABLE, now)), p99(h.window(Side.CANARY, now)), null);
        Stage stage = Stage.of(row.stage());
        Gates.Gate gate = Gates.decide(verdict, stage, Instant.ofEpochMilli(row.stageStartedAt()), now,
                figures(store.rounds(c, s.id(), row.stageStartedAt(), MAX_ROUNDS), partial));
        String decision = gate.verdict().wireName();
        store.round(c, s.id(), new CanaryStore.RoundRow(partial.at(), partial.stableProbes(), partial.stableErrors(),
                partial.stableUnreachable(), partial.stableMs(), partial.canaryProbes(), partial.canaryErrors(), partial.canaryUnreachable(),
                partial.canaryMs(), partial.stableErrorRate(), partial.canaryErrorRate(), partial.stableP99Ms(), partial.canaryP99Ms(),
                decision));
        if (gate.verdict() == Decision.ROLLBACK && !Decision.ROLLBACK.wireName().equals(row.decision())) {
            log.warn("canary {}: rollback at stage {} %: {}", s.id(), stage.percent(), String.join("; ", gate.reasons()));
            events.publish(c, alert(s, stage, gate, now));
        }
    }

    private static MonitorEvent.Warning alert(CanarySettings s, Stage stage, Gates.Gate gate, Instant now) {
        ObjectNode detail = CanaryJson.MAPPER.createObjectNode();
        detail.put("canary", s.id());
        detail.put("stage", stage.percent());
        s.monitors().forEach(detail.putArray("monitors")::add);
        gate.reasons().forEach(detail.putArray("reasons")::add);
        String message = "Canary " + s.id() + " (" + describe(s) + ", at " + stage.percent() + " %): roll back. "
                + String.join(" ", gate.reasons().stream().map(Canaries::sentence).toList());
        return new MonitorEvent.Warning(s.alertedMonitor(), ALERT, s.severity(), message, detail, now.toEpochMilli());
    }

    private static String sentence(String reason) {
        return reason.endsWith(".") ? reason : reason + ".";
    }

    static String describe(CanarySettings s) {
        return s.split() != null ? "monitor " + s.monitor() + " split by " + s.split().header() + ": stable " + s.split().stable()
                + ", canary " + s.split().canary() : "stable " + s.stable() + ", canary " + s.canary();
    }

    private static String shown(MonitorConfig m, String target) {
        return m.transport() == Transport.STDIO ? "stdio" : Urls.redact(target);
    }

    /** The whole probe's time of the side's sample of this round, when it had one and it succeeded. */
    private static Double latestMs(History h, Side side, boolean probedThisRound) {
        Sample s = h.latest(side);
        return probedThisRound && s != null && s.ok() ? s.phaseMs().get(Phase.TOTAL) : null;
    }

    static Double errorRate(List<Sample> window) {
        if (window.isEmpty()) {
            return null;
        }
        return (double) window.stream().filter(x -> !x.ok()).count() / window.size();
    }

    static Double p99(List<Sample> window) {
        double[] ms = window.stream().filter(Sample::ok).map(x -> x.phaseMs().get(Phase.TOTAL)).filter(java.util.Objects::nonNull)
                .mapToDouble(Double::doubleValue).toArray();
        return ms.length == 0 ? null : Stats.quantile(ms, 0.99);
    }

    /** A stage's figures from its rounds (and the one being recorded). */
    static Gates.StageFigures figures(List<CanaryStore.RoundRow> rows, CanaryStore.RoundRow current) {
        List<CanaryStore.RoundRow> all = new ArrayList<>(rows);
        if (current != null) {
            all.add(current);
        }
        long sp = 0, se = 0, su = 0, cp = 0, ce = 0, cu = 0;
        List<Double> sms = new ArrayList<>();
        List<Double> cms = new ArrayList<>();
        for (CanaryStore.RoundRow r : all) {
            sp += r.stableProbes();
            se += r.stableErrors();
            su += r.stableUnreachable();
            cp += r.canaryProbes();
            ce += r.canaryErrors();
            cu += r.canaryUnreachable();
            if (r.stableMs() != null) {
                sms.add(r.stableMs());
            }
            if (r.canaryMs() != null) {
                cms.add(r.canaryMs());
            }
        }
        return new Gates.StageFigures(sp, se, su, quantile(sms), cp, ce, cu, quantile(cms));
    }

    private static Double quantile(List<Double> ms) {
        return ms.isEmpty() ? null : Stats.quantile(ms.stream().mapToDouble(Double::doubleValue).toArray(), 0.99);
    }

    /** Puts the database's canaries in force: a changed definition starts a new window, an unchanged one keeps its own. */
    private void refresh() throws SQLException {
        Map<String, CanarySettings> now = new LinkedHashMap<>();
        for (CanaryStore.CanaryRow row : db.read(store::all)) {
            try {
                now.put(row.id(), CanaryJson.read(row.definition()));
            } catch (IllegalArgumentException e) {
                log.warn("canary {} cannot be read back ({}); it is not run", row.id(), e.getMessage());
            }
        }
        running.keySet().removeIf(id -> !now.containsKey(id));
        now.forEach((id, s) -> {
            Running old = running.get(id);
            if (old == null || !old.settings.equals(s)) {
                try {
                    running.put(id, new Running(s));
                } catch (IllegalArgumentException e) {
                    running.remove(id);
                    log.warn("canary {} cannot run: {}", id, e.getMessage());
                }
            }
        });
    }

    private CanaryStore.CanaryRow require(Connection c, String id) throws SQLException {
        CanaryStore.CanaryRow row = store.get(c, id);
        if (row == null) {
            throw new NoSuchElementException("no canary '" + id + "' (GET /api/canaries lists them)");
        }
        return row;
    }

    /** A write that contradicts what exists (an id taken, a file's canary changed through the API): 409. */
    public static final class Conflict extends IllegalStateException {
        Conflict(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        Thread t = loop;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        rounds.shutdownNow();
    }
}
