package dev.mcpwatch.alert.channel;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.probe.Json;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Opsgenie's Alert API, everything by alias (the incident's dedup key): create
 * ({@code POST /v2/alerts}; Opsgenie folds a repeat with the same alias into the open alert),
 * acknowledge and close ({@code POST /v2/alerts/{alias}/acknowledge|close?identifierType=alias}),
 * and a severity change as a priority update ({@code PUT /v2/alerts/{alias}/priority}). The key is
 * sent as {@code Authorization: GenieKey …}. {@code url} is the API base: https://api.opsgenie.com,
 * or https://api.eu.opsgenie.com for the EU instance. A test creates and at once closes an alert.
 */
final class OpsgenieChannel implements Channel {
    static final String DEFAULT_URL = "https://api.opsgenie.com";

    record Settings(String apiKey, String url) {}

    static final Block<Settings> SETTINGS = Block.of("opsgenie", Settings.class, new Settings(null, DEFAULT_URL), """
            {
              "description": "Opsgenie: create, acknowledge and close by alias (the dedup key)",
              "required": ["api_key"],
              "properties": {
                "api_key": {"$ref": "#/$defs/secret"},
                "url": {"$ref": "#/$defs/text", "description": "the API base; https://api.eu.opsgenie.com for the EU instance"}
              }
            }
            """);

    private final Channels.Common common;
    private final String apiKey;
    private final String url;

    private OpsgenieChannel(Channels.Common common, String apiKey, String url) {
        this.common = common;
        this.apiKey = apiKey;
        this.url = url;
    }

    static OpsgenieChannel create(Channels.Common common, Settings s, Section at) {
        return new OpsgenieChannel(common, Channels.secret(s.apiKey()), Channels.baseUrl(s.url(), at.at("url"), DEFAULT_URL));
    }

    static String priority(Alert a) {
        if ("test".equals(a.event())) {
            return "P5";
        }
        return a.severity() == null ? "P3" : a.severity();
    }

    ObjectNode create(Alert a) {
        ObjectNode b = Json.object();
        b.put("message", Http.clip(Render.title(a), 130));
        b.put("alias", Http.clip(a.dedupKey(), 512));
        b.put("description", Http.clip(Render.plain(a), 15000));
        b.put("priority", priority(a));
        b.put("source", "mcpwatch");
        ArrayNode tags = b.putArray("tags");
        tags.add("mcpwatch");
        if (a.severity() != null) {
            tags.add(a.severity());
        }
        if (a.monitor() != null) {
            b.put("entity", a.monitor().id());
            if (a.monitor().tags() != null) {
                a.monitor().tags().forEach(tags::add);
            }
        }
        ObjectNode details = b.putObject("details");
        details.put("event", a.event());
        if (a.incidentId() != null) {
            details.put("incident_id", a.incidentId().toString());
        }
        if (a.monitor() != null && a.monitor().url() != null) {
            details.put("monitor_url", a.monitor().url());
        }
        if (a.failure() != null) {
            details.put("reason", a.failure().reason());
            details.put("layer", a.failure().layer());
            details.put("phase", a.failure().phase());
        }
        if (a.consecutiveFailures() != null) {
            details.put("consecutive_failures", a.consecutiveFailures().toString());
        }
        if (a.locations() != null) {
            details.put("locations", String.join(",", a.locations()));
        }
        putIf(details, "started_at", a.startedAt());
        putIf(details, "detected_at", a.detectedAt());
        putIf(details, "runbook_url", a.runbookUrl());
        putIf(details, "dashboard_url", a.dashboardUrl());
        putIf(details, "status_page_url", a.statusPageUrl());
        putIf(details, "ack_url", a.ackUrl());
        return b;
    }

    private static void putIf(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    @Override
    public Result send(Alert alert, Attempt attempt) {
        return switch (alert.event()) {
            case "incident.acknowledged" -> action(alert, "acknowledge", note(alert, "Acknowledged in mcpwatch"
                    + (alert.acknowledgedBy() == null ? "" : " by " + alert.acknowledgedBy())), attempt);
            case "incident.resolved" -> action(alert, "close", note(alert, "Resolved: " + (alert.resolution() == null ? "recovered"
                    : alert.resolution())), attempt);
            case "slo.burn_resolved" -> action(alert, "close", note(alert, "The SLO stopped burning its error budget"), attempt);
            case "incident.severity_changed" -> {
                ObjectNode p = Json.object().put("priority", priority(alert));
                yield exchange(request(alias(alert).addPathSegment("priority")).put(body(p)).build(), attempt);
            }
            default -> {
                Result created = exchange(request(alerts()).post(body(create(alert))).build(), attempt);
                yield created.delivered() && "test".equals(alert.event())
                        ? action(alert, "close", note(alert, "mcpwatch test message"), attempt) : created;
            }
        };
    }

    private ObjectNode note(Alert a, String note) {
        ObjectNode b = Json.object().put("source", "mcpwatch").put("note", note);
        if (a.acknowledgedBy() != null) {
            b.put("user", a.acknowledgedBy());
        }
        return b;
    }

    private Result action(Alert a, String action, ObjectNode body, Attempt attempt) {
        return exchange(request(alias(a).addPathSegment(action)).post(body(body)).build(), attempt);
    }

    private HttpUrl.Builder alerts() {
        return HttpUrl.get(url).newBuilder().addPathSegments("v2/alerts");
    }

    private HttpUrl.Builder alias(Alert a) {
        return alerts().addPathSegment(Http.clip(a.dedupKey(), 512)).addQueryParameter("identifierType", "alias");
    }

    private Request.Builder request(HttpUrl.Builder u) {
        return new Request.Builder().url(u.build()).header("User-Agent", Http.USER_AGENT).header("Authorization", "GenieKey " + apiKey);
    }

    private static RequestBody body(ObjectNode json) {
        return RequestBody.create(Json.MAPPER.writeValueAsBytes(json), Http.JSON);
    }

    private static Result exchange(Request r, Attempt attempt) {
        return Http.exchange(r, attempt.timeout());
    }

    @Override
    public Channels.Common common() {
        return common;
    }

    @Override
    public String type() {
        return "opsgenie";
    }

    @Override
    public String disabledBecause() {
        return Channels.emptyBecause("api_key", apiKey);
    }

    @Override
    public boolean accepts(String event) {
        return !event.equals("digest");
    }

    @Override
    public String toString() {
        return "opsgenie channel " + name();
    }
}
