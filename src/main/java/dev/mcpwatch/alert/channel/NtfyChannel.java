package dev.mcpwatch.alert.channel;

import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.probe.Json;
import java.util.List;
import okhttp3.Credentials;
import okhttp3.Request;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * ntfy push notifications, published as JSON to the server's root URL ({@code topic}, {@code title},
 * {@code message}, {@code priority} 5 for P1, 4 for P2, 3 otherwise, {@code tags} as emoji,
 * {@code click} to the dashboard and up to three {@code view} actions: acknowledge, runbook,
 * dashboard). On ntfy.sh a topic name is a password, so {@code topic} is a secret; a protected
 * server takes a {@code token} (Bearer) or {@code username} + {@code password}. Acknowledgements are
 * not pushed: a push for an ack wakes people for nothing.
 */
final class NtfyChannel implements Channel {
    static final String DEFAULT_URL = "https://ntfy.sh";

    record Settings(String url, String topic, String token, String username, String password) {}

    static final Block<Settings> SETTINGS = Block.of("ntfy", Settings.class, new Settings(DEFAULT_URL, null, null, null, null), """
            {
              "description": "ntfy push notifications (ntfy.sh or your own server)",
              "required": ["topic"],
              "properties": {
                "url": {"$ref": "#/$defs/text", "description": "the server"},
                "topic": {"$ref": "#/$defs/secret", "description": "1 to 64 letters, digits, - or _; on ntfy.sh the topic name is the password"},
                "token": {"$ref": "#/$defs/secret", "description": "an access token (Bearer); or username + password; optional on open servers"},
                "username": {"$ref": "#/$defs/text"},
                "password": {"$ref": "#/$defs/secret"}
              }
            }
            """);

    private final Channels.Common common;
    private final String url;
    private final String topic;
    private final String token;
    private final String username;
    private final String password;

    private NtfyChannel(Channels.Common common, String url, String topic, String token, String username, String password) {
        this.common = common;
        this.url = url;
        this.topic = topic;
        this.token = token;
        this.username = username;
        this.password = password;
    }

    static NtfyChannel create(Channels.Common common, Settings s, Section at) {
        String topic = Channels.secret(s.topic());
        if (!topic.isEmpty() && !topic.matches("[-_A-Za-z0-9]{1,64}")) {
            at.at("topic").problem("must be 1 to 64 letters, digits, '-' or '_' (the value is not shown: it is a secret)");
        }
        String token = blankToNull(s.token());
        String username = blankToNull(s.username());
        String password = blankToNull(s.password());
        if (token != null && username != null) {
            at.at("token").problem("give either token or username + password, not both");
        }
        if ((username == null) != (password == null)) {
            at.at(username == null ? "username" : "password").problem("username and password go together");
        }
        return new NtfyChannel(common, Channels.baseUrl(s.url(), at.at("url"), DEFAULT_URL), topic, token, username, password);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    ObjectNode message(Alert a) {
        ObjectNode m = Json.object();
        m.put("topic", topic);
        m.put("title", Render.title(a));
        StringBuilder text = new StringBuilder();
        if (a.message() != null) {
            text.append(a.message()).append('\n');
        }
        for (Render.Fact f : Render.facts(a)) {
            text.append(f.label()).append(": ").append(f.value()).append('\n');
        }
        for (String line : Render.digestLines(a)) {
            text.append("- ").append(line).append('\n');
        }
        m.put("message", Http.clip(text.toString().strip(), 3500));
        m.put("priority", priority(a));
        m.putArray("tags").add(tag(a));
        if (a.dashboardUrl() != null) {
            m.put("click", a.dashboardUrl());
        }
        List<Render.Link> links = Render.links(a);
        if (!links.isEmpty()) {
            ArrayNode actions = m.putArray("actions");
            for (Render.Link l : links.subList(0, Math.min(3, links.size()))) {
                actions.addObject().put("action", "view").put("label", l.label()).put("url", l.url()).put("clear", l.label().equals("Acknowledge"));
            }
        }
        return m;
    }

    static int priority(Alert a) {
        if (!"open".equals(a.status())) {
            return 3;
        }
        return "P1".equals(a.severity()) ? 5 : "P2".equals(a.severity()) ? 4 : 3;
    }

    private static String tag(Alert a) {
        return switch (a.status() == null ? "" : a.status()) {
            case "resolved" -> "white_check_mark";
            case "test" -> "test_tube";
            case "open" -> "P1".equals(a.severity()) ? "rotating_light" : "warning";
            default -> "warning";
        };
    }

    @Override
    public Result send(Alert alert, Attempt attempt) {
        Request.Builder r = Http.post(url, message(alert));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        } else if (username != null) {
            r.header("Authorization", Credentials.basic(username, password));
        }
        return Http.exchange(r.build(), attempt.timeout());
    }

    @Override
    public Channels.Common common() {
        return common;
    }

    @Override
    public String type() {
        return "ntfy";
    }

    @Override
    public String disabledBecause() {
        return Channels.emptyBecause("topic", topic);
    }

    @Override
    public boolean accepts(String event) {
        return !event.equals("incident.acknowledged");
    }

    @Override
    public String toString() {
        return "ntfy channel " + name();
    }
}
