package dev.mcpwatch.alert.channel;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.probe.Json;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Microsoft Teams through a Workflows webhook (the "When a Teams webhook request is received"
 * trigger that replaced Office 365 connectors): a message with one Adaptive Card 1.4 attachment,
 * holding the title, the message, a FactSet, the digest lines and Action.OpenUrl links. Workflows
 * answer 202 Accepted.
 */
final class TeamsChannel implements Channel {
    record Settings(String webhookUrl) {}

    static final Block<Settings> SETTINGS = Block.of("teams", Settings.class, null, """
            {
              "description": "Microsoft Teams through a Workflows webhook (When a Teams webhook request is received): an Adaptive Card",
              "required": ["webhook_url"],
              "properties": {"webhook_url": {"$ref": "#/$defs/secret", "description": "the workflow's URL (a secret)"}}
            }
            """);

    private final Channels.Common common;
    private final String webhookUrl;

    private TeamsChannel(Channels.Common common, String webhookUrl) {
        this.common = common;
        this.webhookUrl = webhookUrl;
    }

    static TeamsChannel create(Channels.Common common, Settings s, Section at) {
        return new TeamsChannel(common, Channels.secretUrl(s.webhookUrl(), at.at("webhook_url")));
    }

    static ObjectNode message(Alert a) {
        ObjectNode m = Json.object();
        m.put("type", "message");
        ObjectNode attachment = m.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.putObject("msteams").put("width", "Full");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", Render.title(a)).put("weight", "Bolder").put("size", "Medium")
                .put("wrap", true).put("color", color(a));
        if (a.message() != null) {
            body.addObject().put("type", "TextBlock").put("text", Http.clip(a.message(), 4000)).put("wrap", true);
        }
        List<Render.Fact> facts = Render.facts(a);
        if (!facts.isEmpty()) {
            ArrayNode set = body.addObject().put("type", "FactSet").putArray("facts");
            facts.forEach(f -> set.addObject().put("title", f.label()).put("value", f.value()));
        }
        for (String line : Render.digestLines(a)) {
            body.addObject().put("type", "TextBlock").put("text", "- " + line).put("wrap", true).put("spacing", "None");
        }
        List<Render.Link> links = Render.links(a);
        if (!links.isEmpty()) {
            ArrayNode actions = card.putArray("actions");
            links.forEach(l -> actions.addObject().put("type", "Action.OpenUrl").put("title", l.label()).put("url", l.url()));
        }
        return m;
    }

    private static String color(Alert a) {
        if ("resolved".equals(a.status())) {
            return "Good";
        }
        if ("acknowledged".equals(a.status()) || "test".equals(a.status())) {
            return "Accent";
        }
        return "P1".equals(a.severity()) ? "Attention" : "Warning";
    }

    @Override
    public Result send(Alert alert, Attempt attempt) {
        return Http.exchange(Http.post(webhookUrl, message(alert)).build(), attempt.timeout());
    }

    @Override
    public Channels.Common common() {
        return common;
    }

    @Override
    public String type() {
        return "teams";
    }

    @Override
    public String disabledBecause() {
        return Channels.emptyBecause("webhook_url", webhookUrl);
    }

    @Override
    public String toString() {
        return "teams channel " + name();
    }
}
