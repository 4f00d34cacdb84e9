package dev.mcpwatch.alert;

import dev.mcpwatch.alert.channel.Alert;
import dev.mcpwatch.alert.channel.Channel;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.monitor.MonitorRegistry;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.DigestStore;
import dev.mcpwatch.store.EscalationStore;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.OutboxStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns monitor events into outbox rows, inside the transaction that records the event: the alert
 * commits with the incident change or not at all, and the network is never touched here.
 *
 * <ul>
 *   <li>An incident that opens goes to the channels of its routes (by severity and tags), or into a
 *       route's digest; a route with a policy starts escalating. Inside a maintenance window that
 *       covers the monitor, the rows are written held.
 *   <li>A resolution, an acknowledgement or a severity change goes to every channel the incident was
 *       alerted on (its routes and the escalation steps it reached), so a notice follows the trigger;
 *       a severity change also reaches the routes of the new severity. Resolving or acknowledging
 *       stops escalation. An incident resolved or acknowledged while its alerts are all still held
 *       has them cancelled: nobody was told, nobody needs the notice.
 *   <li>An automatic remediation (it ran, the server recovered or not) goes to the channels the
 *       incident was alerted on, without stopping escalation.
 *   <li>A warning goes to its routes, usually a digest.
 * </ul>
 *
 * A bug here must not stop incidents from being recorded: a runtime error is logged and the event
 * goes unalerted, while a database error propagates and rolls back with the change.
 */
final class OutboxWriter implements MonitorEvents.Listener {
    private static final Logger log = LoggerFactory.getLogger(OutboxWriter.class);

    private final Supplier<AlertingConfig> config;
    private final MonitorRegistry registry;
    private final Payloads payloads;
    private final OutboxStore outbox;
    private final EscalationStore escalations = new EscalationStore();
    private final DigestStore digests = new DigestStore();
    private final IncidentStore incidents = new IncidentStore();
    private final Runnable wake;
    private final InstantSource clock;

    OutboxWriter(Supplier<AlertingConfig> config, MonitorRegistry registry, Payloads payloads, OutboxStore outbox, Runnable wake,
            InstantSource clock) {
        this.config = config;
        this.registry = registry;
        this.payloads = payloads;
        this.outbox = outbox;
        this.wake = wake;
        this.clock = clock;
    }

    @Override
    public void on(Connection c, MonitorEvent event) throws SQLException {
        AlertingConfig cfg = config.get();
        if (cfg.isEmpty()) {
            return;
        }
        try {
            int written = switch (event) {
                case MonitorEvent.IncidentOpened o -> opened(c, cfg, o);
                case MonitorEvent.IncidentResolved r -> notice(c, cfg, r.incidentId(), "incident.resolved", r.at(), Payloads.Extra.NONE);
                case MonitorEvent.IncidentAcknowledged a -> notice(c, cfg, a.incidentId(), "incident.acknowledged", a.at(),
                        new Payloads.Extra(null, a.by(), null));
                case MonitorEvent.SeverityChanged s -> severityChanged(c, cfg, s);
                case MonitorEvent.Remediated r -> remediated(c, cfg, r);
                case MonitorEvent.Warning w -> warning(c, cfg, w);
                case MonitorEvent.SloBurn b -> sloBurn(c, cfg, b);
                case MonitorEvent.LocationChanged l -> location(c, cfg, l);
            };
            if (written > 0) {
                wake.run();
            }
        } catch (RuntimeException e) {
            log.error("could not write the alert for {} of monitor {}; the event is recorded but not alerted", event.type(), event.monitorId(), e);
        }
    }

    private int opened(Connection c, AlertingConfig cfg, MonitorEvent.IncidentOpened o) throws SQLException {
        Incident inc = incidents.get(c, o.incidentId());
        MonitorInfo m = MonitorInfo.lookup(c, registry, o.monitorId());
        Alert alert = payloads.incident("incident.opened", inc, m, incidents.failingLocations(c, inc), o.at(), Payloads.Extra.NONE);
        boolean held = cfg.maintenanceAt(m.id(), m.tags(), Instant.ofEpochMilli(o.at())) != null;
        return route(c, cfg, cfg.routesFor(o.severity(), m.id(), m.tags()), alert, m, inc, o.severity(), held, Set.of());
    }

    private int severityChanged(Connection c, AlertingConfig cfg, MonitorEvent.SeverityChanged s) throws SQLException {
        // the event is the authority on the new severity, whether or not the row was updated first
        Incident inc = incidents.get(c, s.incidentId()).withSeverityNow(s.to());
        MonitorInfo m = MonitorInfo.lookup(c, registry, s.monitorId());
        Alert alert = payloads.incident("incident.severity_changed", inc, m, incidents.failingLocations(c, inc), s.at(),
                new Payloads.Extra(s.from() == null ? null : s.from().wireName(), null, null, s.why()));
        Map<String, OutboxStore.Alerted> alerted = outbox.alertedChannels(c, inc.id());
        boolean held = cfg.maintenanceAt(m.id(), m.tags(), Instant.ofEpochMilli(s.at())) != null;
        Set<String> done = new LinkedHashSet<>();
        int written = 0;
        for (var e : alerted.entrySet()) {
            written += write(c, cfg, e.getValue().route(), e.getKey(), alert, m, inc.id(), held || !e.getValue().live());
            done.add(e.getKey());
        }
        // the routes of the new severity too (a P2 that becomes P1 now pages), without digests
        List<Route> routes = cfg.routesFor(s.to(), m.id(), m.tags()).stream().filter(r -> r.digest() == null).toList();
        return written + route(c, cfg, routes, alert, m, inc, s.to(), held, done);
    }

    private int notice(Connection c, AlertingConfig cfg, long incidentId, String event, long at, Payloads.Extra extra) throws SQLException {
        Incident inc = incidents.get(c, incidentId);
        if (inc == null) {
            return 0;
        }
        boolean resolved = event.equals("incident.resolved");
        escalations.stop(c, incidentId, resolved ? EscalationStore.State.RESOLVED : EscalationStore.State.ACKNOWLEDGED);
        Map<String, OutboxStore.Alerted> alerted = outbox.alertedChannels(c, incidentId);
        int cancelled = outbox.cancelHeld(c, incidentId, (resolved ? "resolved" : "acknowledged") + " while a maintenance window held it",
                clock.millis());
        if (cancelled > 0) {
            log.info("incident {} {} inside a maintenance window: {} held alerts cancelled", incidentId, resolved ? "resolved" : "acknowledged",
                    cancelled);
        }
        if (alerted.values().stream().noneMatch(OutboxStore.Alerted::live)) {
            return 0;
        }
        MonitorInfo m = MonitorInfo.lookup(c, registry, inc.monitorId());
        Alert alert = payloads.incident(event, inc, m, incidents.failingLocations(c, inc), at, extra);
        int written = 0;
        for (var e : alerted.entrySet()) {
            if (e.getValue().live()) {
                written += write(c, cfg, e.getValue().route(), e.getKey(), alert, m, incidentId, false);
            }
        }
        return written;
    }

    /**
     * A remediation ran or its watch ended: told to the channels the incident was alerted on, like a
     * notice, but it neither stops escalation (nobody acknowledged) nor cancels held alerts.
     */
    private int remediated(Connection c, AlertingConfig cfg, MonitorEvent.Remediated r) throws SQLException {
        Incident inc = incidents.get(c, r.incidentId());
        if (inc == null) {
            return 0;
        }
        Map<String, OutboxStore.Alerted> alerted = outbox.alertedChannels(c, inc.id());
        MonitorInfo m = MonitorInfo.lookup(c, registry, inc.monitorId());
        Alert alert = payloads.incident("incident.remediation", inc, m, incidents.failingLocations(c, inc), r.at(),
                new Payloads.Extra(null, null, null, r.summary()));
        int written = 0;
        for (var e : alerted.entrySet()) {
            if (e.getValue().live()) {
                written += write(c, cfg, e.getValue().route(), e.getKey(), alert, m, inc.id(), false);
            }
        }
        return written;
    }

    private int warning(Connection c, AlertingConfig cfg, MonitorEvent.Warning w) throws SQLException {
        MonitorInfo m = MonitorInfo.lookup(c, registry, w.monitorId());
        Alert alert = payloads.warning(w, m);
        Severity severity = w.severity() == null ? Severity.P3 : w.severity();
        boolean held = cfg.maintenanceAt(m.id(), m.tags(), Instant.ofEpochMilli(w.at())) != null;
        return route(c, cfg, cfg.routesFor(severity, m.id(), m.tags()), alert, m, null, severity, held, Set.of());
    }

    /**
     * An SLO's burn-rate alert, started or stopped, along the routes of its severity and its monitor
     * or tag; its end goes where its start went (the routes are the same unless the file changed).
     * Held, like a warning, while a maintenance window covers the SLO's monitor.
     */
    private int sloBurn(Connection c, AlertingConfig cfg, MonitorEvent.SloBurn b) throws SQLException {
        MonitorInfo m = b.monitorId() == null ? null : MonitorInfo.lookup(c, registry, b.monitorId());
        List<String> tags = m == null ? b.tags() : m.tags();
        Alert alert = payloads.sloBurn(b, m);
        boolean held = m != null && cfg.maintenanceAt(m.id(), m.tags(), Instant.ofEpochMilli(b.at())) != null;
        List<Route> routes = cfg.routesFor(b.severity(), b.monitorId(), tags);
        long now = clock.millis();
        int written = 0;
        Set<String> done = new LinkedHashSet<>();
        for (Route r : routes) {
            if (r.digest() != null) {
                digests.add(c, r.name(), b.monitorId() == null ? "tag:" + String.join(",", tags) : b.monitorId(), alert.event(),
                        Json.MAPPER.writeValueAsString(alert), now);
                continue;
            }
            for (String channel : r.channels()) {
                if (done.add(channel)) {
                    written += write(c, cfg, r.name(), channel, alert, m, null, held);
                }
            }
        }
        return written;
    }

    /**
     * A location lost its last live node, or has one again: a P2 for the operator along the routes
     * that take P2s of any monitor (it concerns no monitor, so a route limited to monitors or tags
     * does not take it); no digest, no escalation, never held by a monitor's maintenance window.
     */
    private int location(Connection c, AlertingConfig cfg, MonitorEvent.LocationChanged l) throws SQLException {
        Alert alert = payloads.location(l);
        int written = 0;
        Set<String> done = new LinkedHashSet<>();
        for (Route r : cfg.routesFor(Severity.P2, null, List.of())) {
            for (String channel : r.digest() == null ? r.channels() : List.<String>of()) {
                if (done.add(channel)) {
                    written += write(c, cfg, r.name(), channel, alert, null, null, false);
                }
            }
        }
        return written;
    }

    /** Sends an alert along routes: into digests, to channels (each once), starting escalations. */
    private int route(Connection c, AlertingConfig cfg, List<Route> routes, Alert alert, MonitorInfo m, Incident inc, Severity severity,
            boolean held, Set<String> alreadyWritten) throws SQLException {
        long now = clock.millis();
        Set<String> done = new LinkedHashSet<>(alreadyWritten);
        int written = 0;
        for (Route r : routes) {
            if (r.digest() != null) {
                digests.add(c, r.name(), m.id(), alert.event(), Json.MAPPER.writeValueAsString(alert), now);
                continue;
            }
            for (String channel : r.channels()) {
                if (done.add(channel)) {
                    written += write(c, cfg, r.name(), channel, alert, m, inc == null ? null : inc.id(), held);
                }
            }
            if (inc != null && r.escalation() != null) {
                EscalationPolicy policy = cfg.policies().get(r.escalation());
                Duration first = policy == null ? null : policy.nextDelay(0, 0, severity);
                if (first != null) {
                    escalations.start(c, inc.id(), r.name(), policy.name(), severity,
                            held ? EscalationStore.State.HELD : EscalationStore.State.ACTIVE, held ? null : now + first.toMillis());
                }
            }
        }
        if (routes.isEmpty()) {
            log.debug("no route for {} of monitor {} ({})", alert.event(), m.id(), severity);
        }
        return written;
    }

    /** One outbox row, when the channel exists, can send and takes this kind of event. */
    int write(Connection c, AlertingConfig cfg, String route, String channelName, Alert alert, MonitorInfo m, Long incidentId, boolean held)
            throws SQLException {
        Channel channel = cfg.channel(channelName);
        if (channel == null || !channel.enabled() || !channel.accepts(alert.event())) {
            if (channel != null && !channel.enabled()) {
                log.debug("channel {} is disabled ({}); {} not sent there", channelName, channel.disabledBecause(), alert.event());
            }
            return 0;
        }
        outbox.insert(c, new OutboxStore.NewRow(incidentId, m == null ? null : m.id(), alert.event(), route, channelName, alert.dedupKey(),
                Json.MAPPER.writeValueAsString(alert), held), clock.millis());
        return 1;
    }
}
