package dev.mcpwatch.alert;

import dev.mcpwatch.alert.channel.Alert;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.postmortem.Postmortems;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.runbook.RunbookMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Builds the {@link Alert} of each event from what is recorded (the incident row, the monitor) and
 * the links under the public URL: the monitor's dashboard page, the status page that shows it (null
 * when none does: a link must open a page), its runbook (its own {@code runbook_url}, else the
 * page of the failure mode, {@link RunbookMode}), and a signed acknowledgement link while the
 * incident is open and links are configured.
 */
final class Payloads {
    private final Supplier<String> base;
    private final Supplier<AlertingConfig.Ack> ack;
    private final Function<String, String> statusPageOf;

    /** {@code statusPageOf} gives the slug of a status page showing a monitor, or null. */
    Payloads(Supplier<String> base, Supplier<AlertingConfig.Ack> ack, Function<String, String> statusPageOf) {
        this.base = base;
        this.ack = ack;
        this.statusPageOf = statusPageOf;
    }

    /** Without status pages. */
    Payloads(Supplier<String> base, Supplier<AlertingConfig.Ack> ack) {
        this(base, ack, id -> null);
    }

    static String dedupKey(long incidentId, String monitorId) {
        return "mcpwatch:" + monitorId + ":incident:" + incidentId;
    }

    /** An incident event; {@code extra} carries what only some events have. */
    Alert incident(String event, Incident inc, MonitorInfo m, List<String> locations, long at, Extra extra) {
        String status = event.equals("incident.resolved") || inc.resolvedAt() != null ? "resolved"
                : event.equals("incident.acknowledged") || inc.acknowledgedAt() != null ? "acknowledged" : "open";
        long end = inc.resolvedAt() != null ? inc.resolvedAt() : at;
        Failure f = inc.headline();
        String runbook = m.runbookUrl() != null ? m.runbookUrl() : base() + "/runbooks/" + RunbookMode.of(f.reason()).slug();
        String ackUrl = "open".equals(status) ? ackUrl(inc.id(), at) : null;
        // The severity in force (it may have risen since the incident was confirmed); a severity change says why in its message.
        String message = extra.why() != null ? extra.why() : f.message();
        return new Alert(event, dedupKey(inc.id(), m.id()), inc.id(), status, summary(event, inc, m, extra, end), message,
                monitor(m), wireName(inc.severityNow()), extra.previousSeverity(),
                new Alert.Failure(f.layer().wireName(), f.reason().wireName(), f.phase().wireName(), f.message()),
                inc.failingProbes(), locations, iso(inc.onsetAt()), iso(inc.detectedAt()), iso(inc.acknowledgedAt()), iso(inc.resolvedAt()),
                end - inc.onsetAt(), extra.acknowledgedBy(), inc.resolution(), extra.escalation(), runbook, dashboard(m.id()),
                statusPage(m.id()), ackUrl, null, iso(at));
    }

    /** A warning outside any incident (P3 by default): drift, an expiring certificate… */
    Alert warning(MonitorEvent.Warning w, MonitorInfo m) {
        String severity = w.severity() == null ? "P3" : w.severity().wireName();
        String key = "mcpwatch:" + m.id() + ":" + w.type() + ":" + Integer.toHexString((w.message() == null ? "" : w.message()).hashCode());
        String summary = "[" + severity + "] " + m.name() + ": " + w.type().replace('.', ' ').replace('_', ' ');
        return new Alert(w.type(), key, null, "warning", summary, w.message(), monitor(m), severity, null, null, null, null, null, null,
                null, null, null, null, null, null, m.runbookUrl() != null ? m.runbookUrl() : base() + "/runbooks/" + RunbookMode.ofWarning(w.type()).slug(),
                dashboard(m.id()), statusPage(m.id()), null, null, iso(w.at()));
    }

    /**
     * An SLO's burn-rate alert: the dedup key is the SLO's and the alert's ({@code slo:<id>:1h/5m}),
     * the same for its start and its end, so PagerDuty and Opsgenie keep one alert per SLO and window.
     */
    Alert sloBurn(MonitorEvent.SloBurn b, MonitorInfo m) {
        String severity = b.severity().wireName();
        String summary = "[" + severity + "] SLO " + b.sloName() + (b.burning() ? " is burning its error budget: " : " stopped burning: ")
                + b.alert() + " at " + String.format(java.util.Locale.ROOT, "%.1f", b.longBurn() == null ? 0 : b.longBurn()) + "× (alert at "
                + String.format(java.util.Locale.ROOT, "%.1f", b.factor()) + "×)";
        Alert.Monitor monitor = m != null ? monitor(m) : new Alert.Monitor("tag:" + String.join(",", b.tags()), "monitors tagged "
                + String.join(", ", b.tags()), null, b.tags());
        return new Alert(b.type(), "mcpwatch:slo:" + b.sloId() + ":" + b.alert(), null, b.burning() ? "burning" : "resolved", summary,
                b.message(), monitor, severity, null, null, null, null, null, null, null, b.burning() ? null : iso(b.at()), null, null, null,
                null, base() + "/runbooks", base() + "/reliability" + (m != null ? "?monitor=" + URLEncoder.encode(m.id(), StandardCharsets.UTF_8)
                        : "?tag=" + URLEncoder.encode(String.join(",", b.tags()), StandardCharsets.UTF_8)) + "#slos", null, null, null, iso(b.at()));
    }

    /**
     * A location that lost its last live node, or has one again: the dedup key is the location's, the
     * same for both, so a receiver keeps one alert per location.
     */
    Alert location(MonitorEvent.LocationChanged l) {
        String summary = l.live() ? "[P2] location " + l.location() + " has a live node again"
                : "[P2] location " + l.location() + " has no live node";
        String message = l.live() ? "Its nodes probe their monitors again."
                : "No node of location " + l.location() + " has sent a heartbeat since " + iso(l.lastHeartbeatAt())
                        + "; its monitors are probed from the other locations and none is paged for this.";
        return new Alert(l.type(), "mcpwatch:location:" + l.location(), null, l.live() ? "resolved" : "open", summary, message,
                new Alert.Monitor("location:" + l.location(), "location " + l.location(), null, List.of()), "P2", null, null, null,
                List.of(l.location()), null, null, null, l.live() ? iso(l.at()) : null, null, null, null, null, base() + "/runbooks",
                base() + "/api/locations", null, null, null, iso(l.at()));
    }

    /**
     * A P1 whose postmortem is overdue (resolved over a day ago, none saved), an item of the digests:
     * the incident-response guide wants one within 24 hours. Repeated in each digest until written.
     */
    Alert overduePostmortem(Postmortems.Overdue o, long at) {
        String summary = "[P1] " + o.monitorName() + ": the postmortem of incident " + o.incidentId() + " is overdue (resolved "
                + Instant.ofEpochMilli(o.resolvedAt()) + ")";
        return new Alert("postmortem.overdue", "mcpwatch:" + o.monitorId() + ":incident:" + o.incidentId() + ":postmortem", o.incidentId(),
                "overdue", summary, "Write it from the draft: " + base() + "/incidents/" + o.incidentId() + "/postmortem",
                new Alert.Monitor(o.monitorId(), o.monitorName(), null, List.of()), "P1", null, null, null, null, null, null, null,
                iso(o.resolvedAt()), null, null, null, null, null, base() + "/incidents/" + o.incidentId() + "/postmortem", null, null, null,
                iso(at));
    }

    /** The digest of a route's period. */
    Alert digest(String route, Instant start, Instant end, List<Alert> items) {
        String summary = "mcpwatch digest (" + route + "): " + items.size() + (items.size() == 1 ? " warning" : " warnings");
        return new Alert("digest", "mcpwatch:digest:" + route + ":" + end.toEpochMilli(), null, "digest", summary,
                items.size() + " collected between " + start + " and " + end, null, null, null, null, null, null, iso(start.toEpochMilli()),
                null, null, null, end.toEpochMilli() - start.toEpochMilli(), null, null, null, null, base() + "/", null, null, List.copyOf(items),
                iso(end.toEpochMilli()));
    }

    /** A test message for a channel: clearly labelled, with the shape of a real alert. */
    Alert test(String channel, long at) {
        MonitorInfo m = new MonitorInfo("mcpwatch-test", "mcpwatch test", "https://example.com/mcp", List.of("test"), null);
        return new Alert("test", "mcpwatch:test:" + channel + ":" + at, null, "test", "mcpwatch test message for channel " + channel,
                "If you can read this, channel " + channel + " is set up. Nothing is wrong.", monitor(m), "P3", null, null, null, null, null,
                null, null, null, null, null, null, null, base() + "/runbooks", base() + "/", null, null, null, iso(at));
    }

    /** Extras of some incident events; {@code why} is a severity change's reason, sent as its message. */
    record Extra(String previousSeverity, String acknowledgedBy, Alert.Escalation escalation, String why) {
        static final Extra NONE = new Extra(null, null, null, null);

        Extra(String previousSeverity, String acknowledgedBy, Alert.Escalation escalation) {
            this(previousSeverity, acknowledgedBy, escalation, null);
        }
    }

    private String summary(String event, Incident inc, MonitorInfo m, Extra extra, long end) {
        String tier = "[" + inc.severityNow() + "] " + m.name();
        String what = inc.severityNow() == Severity.P1 ? "down" : "degraded";
        return switch (event) {
            case "incident.opened" -> tier + " is " + what + ": " + inc.headline().reason().wireName() + " ("
                    + inc.headline().layer().wireName() + " layer)";
            case "incident.escalated" -> extra.escalation() != null && extra.escalation().reminder() > 0
                    ? tier + " still " + what + ", unacknowledged (reminder " + extra.escalation().reminder() + ")"
                    : tier + " still " + what + ", unacknowledged: escalated"
                            + (extra.escalation() == null ? "" : " (step " + extra.escalation().step() + " of " + extra.escalation().steps() + ")");
            case "incident.severity_changed" -> tier + ": severity " + (extra.previousSeverity() == null ? "changed" : extra.previousSeverity() + " → "
                    + inc.severityNow());
            case "incident.remediation" -> tier + " automatic remediation: " + extra.why();
            case "incident.acknowledged" -> tier + " acknowledged" + (extra.acknowledgedBy() == null ? "" : " by " + extra.acknowledgedBy());
            case "incident.resolved" -> "recovered".equals(inc.resolution())
                    ? tier + " recovered after " + duration(end - inc.onsetAt())
                    : tier + " incident closed: " + inc.resolution();
            default -> tier + ": " + event;
        };
    }

    private static String duration(long ms) {
        long s = ms / 1000;
        return s >= 3600 ? s / 3600 + "h " + (s % 3600) / 60 + "m" : s >= 60 ? s / 60 + "m " + s % 60 + "s" : s + "s";
    }

    private String ackUrl(long incidentId, long at) {
        AlertingConfig.Ack a = ack.get();
        if (!a.linksEnabled()) {
            return null;
        }
        return base() + "/ack/" + new AckLinks(a.secret()).token(incidentId, at + a.linkTtl().toMillis());
    }

    private static Alert.Monitor monitor(MonitorInfo m) {
        return new Alert.Monitor(m.id(), m.name() == null || m.name().length() <= 200 ? m.name() : m.name().substring(0, 200), m.url(), m.tags());
    }

    private String dashboard(String monitorId) {
        return base() + "/monitors/" + URLEncoder.encode(monitorId, StandardCharsets.UTF_8);
    }

    private String statusPage(String monitorId) {
        String slug = statusPageOf.apply(monitorId);
        return slug == null ? null : base() + "/status/" + URLEncoder.encode(slug, StandardCharsets.UTF_8);
    }

    private String base() {
        String b = base.get();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    private static String wireName(Severity s) {
        return s == null ? null : s.wireName();
    }

    static String iso(Long ms) {
        return ms == null ? null : Instant.ofEpochMilli(ms).toString();
    }
}
