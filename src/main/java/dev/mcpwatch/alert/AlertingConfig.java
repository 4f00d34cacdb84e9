package dev.mcpwatch.alert;

import dev.mcpwatch.alert.channel.Channel;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.incident.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code alerting:} section, validated: channels by name, routes in order, escalation policies
 * by name, maintenance windows, the acknowledgement-link settings and the delivery settings. Holds
 * secrets (inside the channels and {@link Ack#secret}); {@link #toString} shows none.
 */
public record AlertingConfig(Map<String, Channel> channels, List<Route> routes, Map<String, EscalationPolicy> policies,
        List<MaintenanceWindow> maintenance, Ack ack, Delivery delivery) {

    /** No alerting configured: nothing is routed, the outbox stays empty. */
    public static final AlertingConfig NONE = new AlertingConfig(Map.of(), List.of(), Map.of(), List.of(), Ack.NONE, Delivery.DEFAULT);

    public AlertingConfig {
        channels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(channels));
        routes = List.copyOf(routes);
        policies = Map.copyOf(policies);
        maintenance = List.copyOf(maintenance);
    }

    /**
     * Signed acknowledgement links: {@code secret} (at least 16 characters; empty leaves links out of
     * alerts) and how long a link stays valid.
     */
    public record Ack(String secret, Duration linkTtl) {
        public static final Ack NONE = new Ack(null, Duration.ofHours(24));

        public boolean linksEnabled() {
            return secret != null && !secret.isEmpty();
        }

        @Override
        public String toString() {
            return "Ack[links=" + (linksEnabled() ? "signed" : "off") + ", ttl=" + linkTtl + "]";
        }
    }

    /**
     * How the outbox is worked: the default per-delivery deadline, how often the worker looks for
     * work, the backoff between attempts (exponential from {@code backoffInitial}, capped at
     * {@code backoffMax}, with jitter), when to give up on a delivery, and after how long a claim by
     * a node that stopped answering is taken over, and how long finished deliveries stay visible.
     */
    public record Delivery(Duration timeout, Duration poll, Duration backoffInitial, Duration backoffMax, Duration giveUpAfter,
            Duration claimTimeout, Duration keepHistory) {
        public static final Delivery DEFAULT = new Delivery(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofMinutes(10), Duration.ofHours(24), Duration.ofMinutes(2), Duration.ofDays(90));
    }

    /** Reads {@code alerting:} once the schema has checked its shape; every problem goes to the section's file with its path. */
    public static AlertingConfig read(Section s, Set<String> monitorIds) {
        return AlertingReader.read(s, monitorIds);
    }

    /** The JSON Schema of {@code alerting:}, with its own definitions (routes, policies, windows, and a channel of each type). */
    public static ObjectNode schema() {
        return AlertingReader.schema();
    }

    public Channel channel(String name) {
        return channels.get(name);
    }

    /** The routes an alert of this severity for this monitor takes: the first match, and further ones while they say continue. */
    public List<Route> routesFor(Severity severity, String monitorId, List<String> tags) {
        List<Route> out = new ArrayList<>();
        for (Route r : routes) {
            if (r.matches(severity, monitorId, tags)) {
                out.add(r);
                if (!r.continueMatching()) {
                    break;
                }
            }
        }
        return out;
    }

    public Route route(String name) {
        return routes.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** The window holding this monitor's alerts at {@code t} that ends last, or null. */
    public MaintenanceWindow maintenanceAt(String monitorId, List<String> tags, Instant t) {
        MaintenanceWindow best = null;
        Instant bestEnd = null;
        for (MaintenanceWindow w : maintenance) {
            Instant end = w.covers(monitorId, tags) ? w.endOfOccurrence(t) : null;
            if (end != null && (bestEnd == null || end.isAfter(bestEnd))) {
                best = w;
                bestEnd = end;
            }
        }
        return best;
    }

    public boolean isEmpty() {
        return channels.isEmpty();
    }

    @Override
    public String toString() {
        return "AlertingConfig[channels=" + channels.values() + ", routes=" + routes.stream().map(Route::name).toList() + ", policies="
                + policies.keySet() + ", maintenance=" + maintenance.stream().map(MaintenanceWindow::name).toList() + ", ack=" + ack + "]";
    }
}
