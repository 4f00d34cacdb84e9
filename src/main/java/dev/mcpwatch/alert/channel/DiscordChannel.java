package dev.mcpwatch.alert.channel;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.probe.Json;
import java.io.IOException;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Discord webhook, one message per incident edited in place: the first event of an incident is
 * POSTed with {@code ?wait=true} so that Discord answers with the message, whose id is kept; every
 * later event of that incident PATCHes {@code /messages/{id}} with the incident as it now stands
 * (acknowledged, escalated, resolved). A message deleted in Discord (404 on PATCH) is posted anew.
 * Warnings, digests and tests are messages of their own. Mentions are disabled
 * ({@code allowed_mentions: {parse: []}}), so nothing a server says can ping {@code @everyone}.
 */
final class DiscordChannel implements Channel {
    record Settings(String webhookUrl, String username) {}

    static final Block<Settings> SETTINGS = Block.of("discord", Settings.class, new Settings(null, "mcpwatch"), """
            {
              "description": "Discord webhook: one message per incident, edited in place as it is acknowledged and resolved",
              "required": ["webhook_url"],
              "properties": {
                "webhook_url": {"$ref": "#/$defs/secret", "description": "the webhook URL (a secret)"},
                "username": {"$ref": "#/$defs/text", "description": "the name the messages are posted under"}
              }
            }
            """);

    private final Channels.Common common;
    private final String webhookUrl;
    private final String username;

    private DiscordChannel(Channels.Common common, String webhookUrl, String username) {
        this.common = common;
        this.webhookUrl = webhookUrl;
        this.username = username;
    }

    static DiscordChannel create(Channels.Common common, Settings s, Section at) {
        return new DiscordChannel(common, Channels.secretUrl(s.webhookUrl(), at.at("webhook_url")), s.username());
    }

    /** The message body: one embed with the alert, mentions off. */
    ObjectNode message(Alert a) {
        ObjectNode m = Json.object();
        m.put("username", username);
        m.putObject("allowed_mentions").putArray("parse");
        ObjectNode embed = m.putArray("embeds").addObject();
        embed.put("title", Http.clip(Render.title(a), 256));
        if (a.message() != null || a.items() != null) {
            StringBuilder d = new StringBuilder(a.message() == null ? "" : a.message());
            for (String line : Render.digestLines(a)) {
                d.append(d.isEmpty() ? "" : "\n").append("• ").append(line);
            }
            embed.put("description", Http.clip(d.toString(), 4000));
        }
        if (a.dashboardUrl() != null) {
            embed.put("url", a.dashboardUrl());
        }
        embed.put("color", Render.color(a));
        embed.put("timestamp", a.at());
        ArrayNode fields = embed.putArray("fields");
        List<Render.Fact> facts = Render.facts(a);
        for (Render.Fact f : facts.subList(0, Math.min(20, facts.size()))) {
            fields.addObject().put("name", f.label()).put("value", Http.clip(f.value(), 1000)).put("inline", true);
        }
        List<Render.Link> links = Render.links(a);
        if (!links.isEmpty()) {
            StringBuilder v = new StringBuilder();
            for (Render.Link l : links) {
                v.append(v.isEmpty() ? "" : " · ").append('[').append(l.label()).append("](").append(l.url()).append(')');
            }
            fields.addObject().put("name", "Links").put("value", Http.clip(v.toString(), 1000)).put("inline", false);
        }
        embed.putObject("footer").put("text", "mcpwatch · " + a.dedupKey());
        return m;
    }

    @Override
    public Result send(Alert alert, Attempt attempt) {
        HttpUrl base = HttpUrl.get(webhookUrl);
        if (alert.isIncident() && attempt.threadId() != null) {
            HttpUrl edit = base.newBuilder().addPathSegment("messages").addPathSegment(attempt.threadId()).build();
            Request patch = new Request.Builder().url(edit).header("User-Agent", Http.USER_AGENT)
                    .patch(RequestBody.create(Json.MAPPER.writeValueAsBytes(message(alert)), Http.JSON)).build();
            Result edited = Http.exchange(patch, attempt.timeout());
            if (!(edited.outcome() == Result.Outcome.FAILED && Integer.valueOf(404).equals(edited.responseCode()))) {
                return edited.withThread(attempt.threadId());
            }
            // the message was deleted in Discord: post the incident anew
        }
        HttpUrl post = base.newBuilder().setQueryParameter("wait", "true").build();
        Request request = new Request.Builder().url(post).header("User-Agent", Http.USER_AGENT)
                .post(RequestBody.create(Json.MAPPER.writeValueAsBytes(message(alert)), Http.JSON)).build();
        try {
            Http.Answer answer = Http.call(request, attempt.timeout());
            Result r = Http.classify(answer);
            if (r.delivered() && alert.isIncident()) {
                JsonNode sent = parse(answer.body());
                String id = sent == null ? null : sent.path("id").asString(null);
                return id == null ? r : r.withThread(id);
            }
            return r;
        } catch (IOException e) {
            return Http.ioError(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public Channels.Common common() {
        return common;
    }

    @Override
    public String type() {
        return "discord";
    }

    @Override
    public String disabledBecause() {
        return Channels.emptyBecause("webhook_url", webhookUrl);
    }

    @Override
    public String toString() {
        return "discord channel " + name();
    }
}
