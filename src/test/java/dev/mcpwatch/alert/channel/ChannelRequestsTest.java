package dev.mcpwatch.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.WebhookSignature;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Each channel against a loopback receiver, asserting the request the real service's API expects:
 * method, path, headers and body, for an incident opening, being acknowledged and resolving.
 */
@Timeout(60)
class ChannelRequestsTest {

    @Test
    void webhookPostsTheAlertAsJsonSignedSoAReceiverCanVerifyItAndRejectReplays() throws Exception {
        try (Receiver hook = Receiver.start()) {
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        ops:
                          type: webhook
                          url: %s
                          secret: s3cret-s3cret-s3cret
                          headers: {X-Team: platform}
                    """.formatted(hook.url("/hooks/mcpwatch")));

            Attempt attempt = Alerts.attempt();
            Result r = channel.send(Alerts.opened(), attempt);

            assertThat(r.outcome()).isEqualTo(Result.Outcome.DELIVERED);
            assertThat(r.responseCode()).isEqualTo(200);
            Receiver.Seen req = hook.requests().getFirst();
            assertThat(req.method()).isEqualTo("POST");
            assertThat(req.path()).isEqualTo("/hooks/mcpwatch");
            assertThat(req.header("Content-Type")).startsWith("application/json");
            assertThat(req.header("X-Mcpwatch-Event")).isEqualTo("incident.opened");
            assertThat(req.header("X-Mcpwatch-Delivery")).isEqualTo("42");
            assertThat(req.header("X-Team")).isEqualTo("platform");
            // What a receiver does (written from the documented scheme): recompute, compare, check freshness.
            assertThat(WebhookSignature.verifies(req, "s3cret-s3cret-s3cret")).isTrue();
            assertThat(WebhookSignature.verifies(req, "another-secret-entirely")).isFalse();
            assertThat(req.header("X-Mcpwatch-Timestamp")).as("the attempt's time").isEqualTo(Long.toString(attempt.at().getEpochSecond()));
            long age = System.currentTimeMillis() / 1000 - Long.parseLong(req.header("X-Mcpwatch-Timestamp"));
            assertThat(age).isBetween(0L, 300L);

            JsonNode body = req.json();
            assertThat(body.path("event").asString()).isEqualTo("incident.opened");
            assertThat(body.path("dedup_key").asString()).isEqualTo("mcpwatch:weather:incident:17");
            assertThat(body.path("monitor").path("id").asString()).isEqualTo("weather");
            assertThat(body.path("severity").asString()).isEqualTo("P1");
            assertThat(body.path("failure").path("reason").asString()).isEqualTo("connection_refused");
            assertThat(body.path("failure").path("layer").asString()).isEqualTo("tcp");
            assertThat(body.path("failure").path("phase").asString()).isEqualTo("connect");
            assertThat(body.path("consecutive_failures").asInt()).isEqualTo(3);
            assertThat(body.path("locations").get(0).asString()).isEqualTo("eu-west");
            assertThat(body.path("runbook_url").asString()).isEqualTo("https://wiki.example.com/runbooks/weather");
            assertThat(body.path("dashboard_url").asString()).isNotEmpty();
            assertThat(body.path("status_page_url").asString()).isNotEmpty();
            assertThat(body.has("resolved_at")).as("fields that do not apply are null, never absent").isTrue();
            assertThat(req.body()).doesNotContain("s3cret").doesNotContain("platform");
        }
    }

    @Test
    void webhookWithoutSecretSendsNoSignature() throws Exception {
        try (Receiver hook = Receiver.start()) {
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        ops: {type: webhook, url: "%s"}
                    """.formatted(hook.url("/h")));
            channel.send(Alerts.opened(), Alerts.attempt());
            assertThat(hook.requests().getFirst().header("X-Mcpwatch-Signature")).isNull();
        }
    }

    @Test
    void slackGetsABlockKitMessageWithButtonsAndEscapedServerText() throws Exception {
        try (Receiver slack = Receiver.start()) {
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        team: {type: slack, webhook_url: "%s"}
                    """.formatted(slack.url("/services/T000/B000/XXXX")));

            assertThat(channel.send(Alerts.hostile(), Alerts.attempt()).delivered()).isTrue();

            Receiver.Seen req = slack.requests().getFirst();
            assertThat(req.method()).isEqualTo("POST");
            assertThat(req.path()).isEqualTo("/services/T000/B000/XXXX");
            JsonNode body = req.json();
            assertThat(body.path("text").asString()).contains("Weather MCP");
            JsonNode blocks = body.path("blocks");
            assertThat(blocks.get(0).path("type").asString()).isEqualTo("header");
            assertThat(blocks.get(0).path("text").path("type").asString()).isEqualTo("plain_text");
            assertThat(blocks.get(1).path("text").path("text").asString())
                    .isEqualTo("&lt;!channel&gt; @everyone &lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
            assertThat(blocks.get(2).path("fields").size()).isBetween(1, 10);
            assertThat(blocks.get(2).path("fields").get(0).path("text").asString()).isEqualTo("*Severity*\nP1");
            JsonNode actions = blocks.get(3);
            assertThat(actions.path("type").asString()).isEqualTo("actions");
            assertThat(actions.path("elements").get(0).path("text").path("text").asString()).isEqualTo("Acknowledge");
            assertThat(actions.path("elements").get(0).path("url").asString()).isEqualTo(Alerts.opened().ackUrl());
            assertThat(actions.path("elements").get(1).path("text").path("text").asString()).isEqualTo("Runbook");
            assertThat(blocks.get(4).path("type").asString()).isEqualTo("context");
            assertThat(req.body()).doesNotContain("<!channel>");
        }
    }

    @Test
    void discordPostsOneMessageWithWaitThenEditsItInPlace() throws Exception {
        try (Receiver discord = Receiver.start()) {
            discord.answer(http -> {
                if (http.method().equals("POST")) {
                    http.json(200, Json.object().put("id", "1192837465").put("channel_id", "55"));
                } else {
                    http.json(200, Json.object().put("id", "1192837465"));
                }
            });
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        team: {type: discord, webhook_url: "%s"}
                    """.formatted(discord.url("/api/webhooks/123/tok3n")));

            Result opened = channel.send(Alerts.hostile(), Alerts.attempt());
            Result resolved = channel.send(Alerts.resolved(), new Attempt(43, 1, Instant.now(), Duration.ofSeconds(5), opened.threadId()));

            assertThat(opened.threadId()).isEqualTo("1192837465");
            assertThat(resolved.delivered()).isTrue();
            Receiver.Seen post = discord.requests().get(0);
            assertThat(post.method()).isEqualTo("POST");
            assertThat(post.path()).isEqualTo("/api/webhooks/123/tok3n");
            assertThat(post.query()).isEqualTo("wait=true");
            JsonNode embed = post.json().path("embeds").get(0);
            assertThat(embed.path("title").asString()).contains("Weather MCP is down");
            assertThat(embed.path("color").asInt()).isEqualTo(0xE01E5A);
            assertThat(embed.path("fields").size()).isPositive();
            assertThat(post.json().path("allowed_mentions").path("parse").isEmpty()).as("no @everyone from server text").isTrue();
            Receiver.Seen patch = discord.requests().get(1);
            assertThat(patch.method()).isEqualTo("PATCH");
            assertThat(patch.path()).isEqualTo("/api/webhooks/123/tok3n/messages/1192837465");
            assertThat(patch.json().path("embeds").get(0).path("title").asString()).contains("recovered");
            assertThat(patch.json().path("embeds").get(0).path("color").asInt()).isEqualTo(0x2EB67D);
        }
    }

    @Test
    void discordPostsAnewWhenTheMessageWasDeleted() throws Exception {
        try (Receiver discord = Receiver.start()) {
            discord.answer(http -> {
                if (http.method().equals("PATCH")) {
                    http.json(404, Json.object().put("message", "Unknown Message").put("code", 10008));
                } else {
                    http.json(200, Json.object().put("id", "2000"));
                }
            });
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        team: {type: discord, webhook_url: "%s"}
                    """.formatted(discord.url("/api/webhooks/123/tok3n")));

            Result r = channel.send(Alerts.resolved(), new Attempt(43, 1, Instant.now(), Duration.ofSeconds(5), "1000"));

            assertThat(r.delivered()).isTrue();
            assertThat(r.threadId()).isEqualTo("2000");
            assertThat(discord.requests()).extracting(Receiver.Seen::method).containsExactly("PATCH", "POST");
        }
    }

    @Test
    void pagerDutyTriggersAcknowledgesAndResolvesWithTheIncidentsDedupKey() throws Exception {
        try (Receiver pd = Receiver.start()) {
            pd.answer(http -> http.json(202, Json.object().put("status", "success").put("message", "Event processed")
                    .put("dedup_key", "mcpwatch:weather:incident:17")));
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        pager: {type: pagerduty, routing_key: R0UT1NGKEY, url: "%s"}
                    """.formatted(pd.url("/v2/enqueue")));

            assertThat(channel.send(Alerts.opened(), Alerts.attempt()).responseCode()).isEqualTo(202);
            channel.send(Alerts.acknowledged(), Alerts.attempt());
            channel.send(Alerts.resolved(), Alerts.attempt());

            assertThat(pd.requests()).allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/v2/enqueue");
                assertThat(r.json().path("routing_key").asString()).isEqualTo("R0UT1NGKEY");
                assertThat(r.json().path("dedup_key").asString()).isEqualTo("mcpwatch:weather:incident:17");
            });
            JsonNode trigger = pd.requests().get(0).json();
            assertThat(trigger.path("event_action").asString()).isEqualTo("trigger");
            assertThat(trigger.path("payload").path("summary").asString()).contains("Weather MCP is down").hasSizeLessThanOrEqualTo(1024);
            assertThat(trigger.path("payload").path("source").asString()).isEqualTo("https://weather.example.com/mcp?key=(redacted)");
            assertThat(trigger.path("payload").path("severity").asString()).isEqualTo("critical");
            assertThat(trigger.path("payload").path("component").asString()).isEqualTo("weather");
            assertThat(trigger.path("payload").path("class").asString()).isEqualTo("connection_refused");
            assertThat(trigger.path("payload").path("custom_details").path("runbook_url").asString()).isNotEmpty();
            assertThat(trigger.path("links").get(0).path("href").asString()).isNotEmpty();
            assertThat(pd.requests().get(1).json().path("event_action").asString()).isEqualTo("acknowledge");
            assertThat(pd.requests().get(1).json().has("payload")).isFalse();
            assertThat(pd.requests().get(2).json().path("event_action").asString()).isEqualTo("resolve");
        }
    }

    @Test
    void opsgenieCreatesAcknowledgesAndClosesByAlias() throws Exception {
        try (Receiver og = Receiver.start()) {
            og.answer(http -> http.json(202, Json.object().put("result", "Request will be processed").put("requestId", "r1")));
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        genie: {type: opsgenie, api_key: g3n1e-key, url: "%s"}
                    """.formatted(og.url("")));

            channel.send(Alerts.opened(), Alerts.attempt());
            channel.send(Alerts.severityRaised(), Alerts.attempt());
            channel.send(Alerts.acknowledged(), Alerts.attempt());
            channel.send(Alerts.resolved(), Alerts.attempt());

            assertThat(og.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("GenieKey g3n1e-key"));
            Receiver.Seen create = og.requests().get(0);
            assertThat(create.method() + " " + create.path()).isEqualTo("POST /v2/alerts");
            assertThat(create.json().path("alias").asString()).isEqualTo("mcpwatch:weather:incident:17");
            assertThat(create.json().path("message").asString()).hasSizeLessThanOrEqualTo(130).contains("Weather MCP");
            assertThat(create.json().path("priority").asString()).isEqualTo("P1");
            assertThat(create.json().path("entity").asString()).isEqualTo("weather");
            assertThat(create.json().path("details").path("reason").asString()).isEqualTo("connection_refused");
            Receiver.Seen priority = og.requests().get(1);
            assertThat(priority.method() + " " + priority.path() + "?" + priority.query())
                    .isEqualTo("PUT /v2/alerts/mcpwatch:weather:incident:17/priority?identifierType=alias");
            assertThat(priority.json().path("priority").asString()).isEqualTo("P1");
            Receiver.Seen ack = og.requests().get(2);
            assertThat(ack.method() + " " + ack.path() + "?" + ack.query())
                    .isEqualTo("POST /v2/alerts/mcpwatch:weather:incident:17/acknowledge?identifierType=alias");
            assertThat(ack.json().path("user").asString()).isEqualTo("alice");
            Receiver.Seen close = og.requests().get(3);
            assertThat(close.method() + " " + close.path() + "?" + close.query())
                    .isEqualTo("POST /v2/alerts/mcpwatch:weather:incident:17/close?identifierType=alias");
        }
    }

    @Test
    void teamsGetsAnAdaptiveCardThroughTheWorkflowWebhook() throws Exception {
        try (Receiver teams = Receiver.start()) {
            teams.answer(http -> http.empty(202));
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        team: {type: teams, webhook_url: "%s"}
                    """.formatted(teams.url("/workflows/abc/triggers/manual/paths/invoke")));

            Result r = channel.send(Alerts.opened(), Alerts.attempt());

            assertThat(r.responseCode()).isEqualTo(202);
            JsonNode body = teams.requests().getFirst().json();
            assertThat(body.path("type").asString()).isEqualTo("message");
            JsonNode attachment = body.path("attachments").get(0);
            assertThat(attachment.path("contentType").asString()).isEqualTo("application/vnd.microsoft.card.adaptive");
            JsonNode card = attachment.path("content");
            assertThat(card.path("type").asString()).isEqualTo("AdaptiveCard");
            assertThat(card.path("version").asString()).isEqualTo("1.4");
            assertThat(card.path("body").get(0).path("type").asString()).isEqualTo("TextBlock");
            assertThat(card.path("body").get(0).path("color").asString()).isEqualTo("Attention");
            assertThat(card.path("body").get(2).path("type").asString()).isEqualTo("FactSet");
            assertThat(card.path("body").get(2).path("facts").get(0).path("title").asString()).isEqualTo("Severity");
            assertThat(card.path("actions").get(0).path("type").asString()).isEqualTo("Action.OpenUrl");
        }
    }

    @Test
    void ntfyPublishesJsonToTheRootWithPriorityActionsAndToken() throws Exception {
        try (Receiver ntfy = Receiver.start()) {
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        phone: {type: ntfy, url: "%s", topic: mcpwatch-alerts-x7, token: tk_secret}
                    """.formatted(ntfy.url("")));

            channel.send(Alerts.opened(), Alerts.attempt());

            Receiver.Seen req = ntfy.requests().getFirst();
            assertThat(req.method() + " " + req.path()).isEqualTo("POST /");
            assertThat(req.header("Authorization")).isEqualTo("Bearer tk_secret");
            JsonNode body = req.json();
            assertThat(body.path("topic").asString()).isEqualTo("mcpwatch-alerts-x7");
            assertThat(body.path("title").asString()).contains("Weather MCP is down");
            assertThat(body.path("priority").asInt()).isEqualTo(5);
            assertThat(body.path("tags").get(0).asString()).isEqualTo("rotating_light");
            assertThat(body.path("click").asString()).isEqualTo(Alerts.opened().dashboardUrl());
            assertThat(body.path("actions").size()).isEqualTo(3);
            assertThat(body.path("actions").get(0).path("action").asString()).isEqualTo("view");
            assertThat(body.path("actions").get(0).path("label").asString()).isEqualTo("Acknowledge");
            assertThat(channel.accepts("incident.acknowledged")).as("an ack is not pushed to phones").isFalse();
        }
    }

    @Test
    void answersAreClassifiedRetryOrFailedAndRetryAfterIsKept() throws Exception {
        try (Receiver hook = Receiver.start()) {
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        ops: {type: webhook, url: "%s"}
                    """.formatted(hook.url("/h")));
            hook.answer(http -> http.respond(500, "text/plain", "boom"));
            assertThat(channel.send(Alerts.opened(), Alerts.attempt())).satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(Result.Outcome.RETRY);
                assertThat(r.error()).isEqualTo("HTTP 500: boom");
            });
            hook.answer(http -> {
                http.setHeader("Retry-After", "7");
                http.respond(429, "text/plain", "slow down");
            });
            assertThat(channel.send(Alerts.opened(), Alerts.attempt()).retryAfter()).isEqualTo(Duration.ofSeconds(7));
            hook.answer(http -> http.respond(400, "text/plain", "invalid_payload"));
            assertThat(channel.send(Alerts.opened(), Alerts.attempt()).outcome()).isEqualTo(Result.Outcome.FAILED);
            hook.stop();
            Result refused = channel.send(Alerts.opened(), Alerts.attempt());
            assertThat(refused.outcome()).isEqualTo(Result.Outcome.RETRY);
            assertThat(refused.error()).startsWith("ConnectException").doesNotContain("/h");
        }
    }

    @Test
    void aSlowReceiverIsCutOffAtTheDeliveryTimeout() throws Exception {
        try (Receiver hook = Receiver.start()) {
            hook.answer(http -> Thread.sleep(30_000));
            Channel channel = Alerts.channel("""
                    alerting:
                      channels:
                        ops: {type: webhook, url: "%s"}
                    """.formatted(hook.url("/h")));

            Result r = channel.send(Alerts.opened(), new Attempt(1, 1, Instant.now(), Duration.ofMillis(500), null));

            assertThat(r.outcome()).isEqualTo(Result.Outcome.RETRY);
            assertThat(r.error()).containsIgnoringCase("timeout");
        }
    }
}
