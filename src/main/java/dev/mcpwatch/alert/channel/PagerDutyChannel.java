package dev.mcpwatch.alert.channel;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.probe.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * PagerDuty Events API v2: {@code trigger} when an incident opens (and again, same
 * {@code dedup_key}, when it escalates or changes severity, which PagerDuty folds into the same
 * alert), {@code acknowledge} when it is acknowledged, {@code resolve} when it recovers. The
 * {@code dedup_key} is the incident's, so a repeated delivery never opens a second PagerDuty
 * incident. A test message triggers and at once resolves an {@code info} event, so nothing stays
 * open. Digests are not sent here: a pager is for what needs a person now.
 */
final class PagerDutyChannel implements Channel {
    static final String DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue";

    record Settings(String routingKey, String url) {}

    static final Block<Settings> SETTINGS = Block.of("pagerduty", Settings.class, new Settings(null, DEFAULT_URL), """
            {
              "description": "PagerDuty Events API v2: trigger, acknowledge and resolve with the incident's dedup_key",
              "required": ["routing_key"],
              "properties": {
                "routing_key": {"$ref": "#/$defs/secret", "description": "the integration key of an Events API v2 integration"},
                "url": {"$ref": "#/$defs/text", "description": "the Events API endpoint"}
              }
            }
            """);

    private final Channels.Common common;
    private final String routingKey;
    private final String url;

    private PagerDutyChannel(Channels.Common common, String routingKey, String url) {
        this.common = common;
        this.routingKey = routingKey;
        this.url = url;
    }

    static PagerDutyChannel create(Channels.Common common, Settings s, Section at) {
        return new PagerDutyChannel(common, Channels.secret(s.routingKey()), Channels.baseUrl(s.url(), at.at("url"), DEFAULT_URL));
    }

    /** The Events API v2 body for an alert, with {@code action} trigger, acknowledge or resolve. */
    ObjectNode event(Alert a, String action) {
        ObjectNode e = Json.object();
        e.put("routing_key", routingKey);
        e.put("event_action", action);
        e.put("dedup_key", a.dedupKey());
        if (!action.equals("trigger")) {
            return e;
        }
        e.put("client", "mcpwatch");
        if (a.dashboardUrl() != null) {
            e.put("client_url", a.dashboardUrl());
        }
        ObjectNode p = e.putObject("payload");
        p.put("summary", Http.clip(Render.title(a) + (a.message() == null ? "" : ": " + a.message()), 1024));
        p.put("source", a.monitor() == null ? "mcpwatch" : a.monitor().url() != null ? a.monitor().url() : a.monitor().id());
        p.put("severity", severity(a));
        p.put("timestamp", a.detectedAt() != null ? a.detectedAt() : a.at());
        if (a.monitor() != null) {
            p.put("component", a.monitor().id());
            if (a.monitor().tags() != null && !a.monitor().tags().isEmpty()) {
                p.put("group", a.monitor().tags().getFirst());
            }
        }
        if (a.failure() != null) {
            p.put("class", a.failure().reason());
        }
        p.set("custom_details", Json.MAPPER.valueToTree(a));
        ArrayNode links = e.putArray("links");
        for (Render.Link l : Render.links(a)) {
            links.addObject().put("href", l.url()).put("text", l.label());
        }
        return e;
    }

    static String severity(Alert a) {
        if ("test".equals(a.event())) {
            return "info";
        }
        return switch (a.severity() == null ? "P3" : a.severity()) {
            case "P1" -> "critical";
            case "P2" -> "error";
            default -> "warning";
        };
    }

    @Override
    public Result send(Alert alert, Attempt attempt) {
        String action = switch (alert.event()) {
            case "incident.acknowledged" -> "acknowledge";
            case "incident.resolved", "slo.burn_resolved" -> "resolve";
            default -> "trigger";
        };
        Result r = post(event(alert, action), attempt);
        if (r.delivered() && "test".equals(alert.event())) {
            return post(event(alert, "resolve"), attempt);
        }
        return r;
    }

    private Result post(ObjectNode body, Attempt attempt) {
        return Http.exchange(Http.post(url, body).build(), attempt.timeout());
    }

    @Override
    public Channels.Common common() {
        return common;
    }

    @Override
    public String type() {
        return "pagerduty";
    }

    @Override
    public String disabledBecause() {
        return Channels.emptyBecause("routing_key", routingKey);
    }

    @Override
    public boolean accepts(String event) {
        return !event.equals("digest");
    }

    @Override
    public String toString() {
        return "pagerduty channel " + name();
    }
}
