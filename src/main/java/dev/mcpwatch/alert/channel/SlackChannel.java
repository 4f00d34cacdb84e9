package dev.mcpwatch.alert.channel;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.probe.Json;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Slack incoming webhook: a Block Kit message (header, message, fields, digest lines, link
 * buttons, a context line with the dedup key) with a plain {@code text} fallback for notifications.
 * Everything that came from a probed server is escaped, so a server cannot ping {@code <!channel>}.
 * Slack answers {@code 200 ok}; its 4xx answers ({@code invalid_payload}, {@code no_service}) are
 * not retried.
 */
final class SlackChannel implements Channel {
    record Settings(String webhookUrl) {}

    static final Block<Settings> SETTINGS = Block.of("slack", Settings.class, null, """
            {
              "description": "Slack incoming webhook: a Block Kit message with buttons (acknowledge, runbook, dashboard)",
              "required": ["webhook_url"],
              "properties": {"webhook_url": {"$ref": "#/$defs/secret", "description": "the incoming webhook URL (a secret)"}}
            }
            """);

    private final Channels.Common common;
    private final String webhookUrl;

    private SlackChannel(Channels.Common common, String webhookUrl) {
        this.common = common;
        this.webhookUrl = webhookUrl;
    }

    static SlackChannel create(Channels.Common common, Settings s, Section at) {
        return new SlackChannel(common, Channels.secretUrl(s.webhookUrl(), at.at("webhook_url")));
    }

    /** The Block Kit message for an alert. */
    static ObjectNode message(Alert a) {
        ObjectNode m = Json.object();
        m.put("text", escape(Render.title(a)));
        ArrayNode blocks = m.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", Http.clip(Render.title(a), 150)).put("emoji", true);
        if (a.message() != null) {
            section(blocks, escape(Http.clip(a.message(), 2900)));
        }
        List<Render.Fact> facts = Render.facts(a);
        if (!facts.isEmpty()) {
            ObjectNode fields = blocks.addObject().put("type", "section");
            ArrayNode list = fields.putArray("fields");
            for (Render.Fact f : facts.subList(0, Math.min(10, facts.size()))) {
                list.addObject().put("type", "mrkdwn").put("text", "*" + f.label() + "*\n" + escape(Http.clip(f.value(), 1900)));
            }
        }
        List<String> lines = Render.digestLines(a);
        if (!lines.isEmpty()) {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                String bullet = "• " + escape(line) + "\n";
                if (text.length() + bullet.length() > 2900) {
                    text.append("… and more");
                    break;
                }
                text.append(bullet);
            }
            section(blocks, text.toString());
        }
        List<Render.Link> links = Render.links(a);
        if (!links.isEmpty()) {
            ArrayNode buttons = blocks.addObject().put("type", "actions").putArray("elements");
            for (Render.Link l : links) {
                ObjectNode b = buttons.addObject().put("type", "button");
                b.putObject("text").put("type", "plain_text").put("text", l.label());
                b.put("url", l.url());
                if (l.label().equals("Acknowledge")) {
                    b.put("style", "primary");
                }
            }
        }
        ArrayNode context = blocks.addObject().put("type", "context").putArray("elements");
        context.addObject().put("type", "mrkdwn").put("text", "mcpwatch · " + a.event() + " · `" + escape(a.dedupKey()) + "`");
        return m;
    }

    /** Slack's mrkdwn escaping: only &, < and > are special, and that is what stops mentions and links. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
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
        return "slack";
    }

    @Override
    public String disabledBecause() {
        return Channels.emptyBecause("webhook_url", webhookUrl);
    }

    @Override
    public String toString() {
        return "slack channel " + name();
    }
}
