package dev.mcpwatch.metrics;

import dev.mcpwatch.monitor.ProbeObserver;
import dev.mcpwatch.monitor.StoreHealth;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.PhaseTiming;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.MetricsStore;
import dev.mcpwatch.store.MetricsStore.Count;
import dev.mcpwatch.store.MetricsStore.MonitorFigures;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot.StateSetDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code /metrics} exposes, in one Prometheus registry. Per monitor, labelled by its id only
 * (never a URL, a header or anything a server sent): the last probe's success, total and per-phase
 * durations and time, the state as a state set, the open incident's severity, the certificate's
 * expiry, the tool count and the drifts waiting for acknowledgement. They are read from the
 * database at each scrape (one query), so they are right after a restart and the same on every
 * node; only the per-phase durations are this node's, kept in memory from the probes it made.
 * Self-metrics: probes by result and reason, schedule lateness and database write latency as
 * histograms, results waiting in memory, the alert outbox's backlog and delivery attempts by
 * channel and outcome, and the JVM's.
 */
public final class Metrics implements ProbeObserver {
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    /** The states of {@code mcpwatch_monitor_state}: the monitor's status, or degraded (up with an incident open), or paused. */
    static final List<String> STATES = List.of("unknown", "up", "suspect", "down", "auth-walled", "degraded", "paused");
    private static final Phase[] PHASES = Arrays.stream(Phase.values()).filter(p -> p != Phase.TOTAL).toArray(Phase[]::new);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Database db;
    private final MetricsStore store = new MetricsStore();
    private final Supplier<StoreHealth> storeHealth;
    /** The last probe's phase durations in seconds by monitor (NaN where the probe had no such phase). */
    private final Map<String, double[]> lastPhases = new ConcurrentHashMap<>();
    private final Counter probes;
    private final Histogram lateness;
    private final Histogram writes;

    public Metrics(Database db, Supplier<StoreHealth> storeHealth) {
        this.db = db;
        this.storeHealth = storeHealth;
        this.probes = Counter.builder().name("mcpwatch_probes_total")
                .help("probes made by this node, by result (success, failure) and failure reason (none on success)")
                .labelNames("result", "reason").register(registry);
        this.lateness = Histogram.builder().name("mcpwatch_schedule_lateness_seconds").unit(Unit.SECONDS)
                .help("how late probes started against their planned time").classicOnly()
                .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60).register(registry);
        this.writes = Histogram.builder().name("mcpwatch_database_write_seconds").unit(Unit.SECONDS)
                .help("time to write one probe (result, state, rollups, incident change) to the database").classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5).register(registry);
        registry.register(new FromDatabase());
        JvmMetrics.builder().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void probed(String monitorId, ProbeResult result) {
        probes.labelValues(result.healthy() ? "success" : "failure", result.failure() == null ? "" : result.failure().reason().wireName())
                .inc();
        double[] phases = new double[PHASES.length];
        Arrays.fill(phases, Double.NaN);
        for (PhaseTiming t : result.timings()) {
            int i = Arrays.asList(PHASES).indexOf(t.phase());
            if (i >= 0) {
                phases[i] = (Double.isNaN(phases[i]) ? 0 : phases[i]) + t.durationMs() / 1000;
            }
        }
        lastPhases.put(monitorId, phases);
    }

    @Override
    public void written(long nanos) {
        writes.observe(nanos / 1e9);
    }

    /** One probe started {@code lateMillis} after its planned time. */
    public void late(long lateMillis) {
        lateness.observe(lateMillis / 1000.0);
    }

    /** The figures read at each scrape: the monitors' from the database, and the recorder's backlog. */
    private final class FromDatabase implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            List<MetricSnapshot> out = new ArrayList<>();
            StoreHealth health = storeHealth.get();
            out.add(gauge("mcpwatch_results_waiting", "probe results waiting in memory because the database cannot be written",
                    List.of(point(Labels.EMPTY, health.pending()))));
            out.add(CounterSnapshot.builder().name("mcpwatch_results_dropped")
                    .help("probe results dropped because more waited in memory than storage.buffer allows")
                    .dataPoint(CounterDataPointSnapshot.builder().value(health.dropped()).build()).build());
            boolean readable = true;
            try {
                db.read(c -> {
                    monitors(store.monitors(c), out);
                    counts(store.outboxBacklog(c), out);
                    attempts(store.deliveryAttempts(c), out);
                    return null;
                });
            } catch (SQLException | RuntimeException e) {
                readable = false;
                log.debug("metrics could not read the database: {}", e.getMessage());
            }
            out.add(gauge("mcpwatch_metrics_database_readable",
                    "1 when this scrape read the monitors' figures from the database; 0 when it could not (they are missing then)",
                    List.of(point(Labels.EMPTY, readable ? 1 : 0))));
            return new MetricSnapshots(out);
        }
    }

    private void monitors(List<MonitorFigures> figures, List<MetricSnapshot> out) {
        List<GaugeDataPointSnapshot> success = new ArrayList<>();
        List<GaugeDataPointSnapshot> duration = new ArrayList<>();
        List<GaugeDataPointSnapshot> probedAt = new ArrayList<>();
        List<GaugeDataPointSnapshot> phases = new ArrayList<>();
        List<GaugeDataPointSnapshot> severity = new ArrayList<>();
        List<GaugeDataPointSnapshot> certificate = new ArrayList<>();
        List<GaugeDataPointSnapshot> tools = new ArrayList<>();
        List<GaugeDataPointSnapshot> drifts = new ArrayList<>();
        StateSetSnapshot.Builder states = StateSetSnapshot.builder().name("mcpwatch_monitor_state")
                .help("the monitor's state: unknown (not probed yet), up, suspect, down, auth-walled, degraded (up with an incident open), paused");
        for (MonitorFigures m : figures) {
            Labels monitor = Labels.of("monitor", m.id());
            if (m.lastHealthy() != null) {
                success.add(point(monitor, m.lastHealthy() ? 1 : 0));
            }
            if (m.lastTotalMs() != null) {
                duration.add(point(monitor, m.lastTotalMs() / 1000));
            }
            if (m.lastProbeAt() != null) {
                probedAt.add(point(monitor, m.lastProbeAt() / 1000.0));
            }
            double[] last = lastPhases.get(m.id());
            if (last != null) {
                for (int i = 0; i < PHASES.length; i++) {
                    if (!Double.isNaN(last[i])) {
                        phases.add(point(Labels.of("monitor", m.id(), "phase", PHASES[i].wireName()), last[i]));
                    }
                }
            }
            severity.add(point(monitor, m.severity() == null ? 0 : m.severity().charAt(1) - '0'));
            if (m.tlsNotAfter() != null) {
                certificate.add(point(monitor, m.tlsNotAfter() / 1000.0));
            }
            if (m.toolCount() != null) {
                tools.add(point(monitor, m.toolCount()));
            }
            drifts.add(point(monitor, m.pendingDrifts()));
            String state = state(m);
            StateSetDataPointSnapshot.Builder point = StateSetDataPointSnapshot.builder().labels(monitor);
            STATES.forEach(s -> point.state(s, s.equals(state)));
            states.dataPoint(point.build());
        }
        out.add(gauge("mcpwatch_monitors", "monitors in force (paused ones included)", List.of(point(Labels.EMPTY, figures.size()))));
        out.add(gauge("mcpwatch_monitor_probe_success", "1 when the monitor's last probe succeeded, 0 when it failed", success));
        out.add(gauge("mcpwatch_monitor_probe_duration_seconds", Unit.SECONDS, "the last probe's total duration", duration));
        out.add(gauge("mcpwatch_monitor_probe_phase_duration_seconds", Unit.SECONDS,
                "the last probe's duration per phase (dns, connect, tls, initialize, tools_list…), as made by this node", phases));
        out.add(gauge("mcpwatch_monitor_last_probe_timestamp_seconds", Unit.SECONDS, "when the last probe started (Unix time)", probedAt));
        out.add(states.build());
        out.add(gauge("mcpwatch_monitor_incident_severity", "the open incident's severity in force: 1 (P1), 2 (P2), 3 (P3); 0 without an incident",
                severity));
        out.add(gauge("mcpwatch_monitor_certificate_expiry_timestamp_seconds", Unit.SECONDS,
                "when the server's TLS certificate expires (Unix time), from the last probe that saw one", certificate));
        out.add(gauge("mcpwatch_monitor_tools", "tools in the monitor's current tool list", tools));
        out.add(gauge("mcpwatch_monitor_pending_drifts", "tool-list drifts from the schema baseline not yet acknowledged", drifts));
    }

    static String state(MonitorFigures m) {
        if (m.paused()) {
            return "paused";
        }
        if ("up".equals(m.status()) && m.severity() != null) {
            return "degraded";
        }
        return STATES.contains(m.status()) ? m.status() : "unknown";
    }

    private static void counts(List<Count> backlog, List<MetricSnapshot> out) {
        List<GaugeDataPointSnapshot> points = new ArrayList<>();
        for (Count c : backlog) {
            points.add(point(Labels.of("channel", c.first(), "status", c.second()), c.count()));
        }
        out.add(gauge("mcpwatch_alert_outbox_backlog", "alerts waiting to be delivered, by channel and status (pending, held)", points));
    }

    private static void attempts(List<Count> attempts, List<MetricSnapshot> out) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name("mcpwatch_alert_delivery_attempts")
                .help("finished delivery attempts on record (delivery.keep_history), by channel and outcome (delivered, retry, failed)");
        for (Count c : attempts) {
            counter.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("channel", c.first(), "outcome", c.second())).value(c.count())
                    .build());
        }
        out.add(counter.build());
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        return gauge(name, null, help, points);
    }

    private static GaugeSnapshot gauge(String name, Unit unit, String help, List<GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        points.forEach(b::dataPoint);
        return b.build();
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
