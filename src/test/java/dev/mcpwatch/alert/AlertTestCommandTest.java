package dev.mcpwatch.alert;

import static dev.mcpwatch.alert.EscalationTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.Switch;
import dev.mcpwatch.testkit.WebhookSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code mcpwatch alert test CHANNEL}: straight from the configuration file (no server needed), or
 * through a running server's API; either way a clearly labelled test message, and an exit code that
 * says whether the receiver took it.
 */
@Timeout(60)
class AlertTestCommandTest {

    @Test
    void sendsATestMessageStraightFromTheConfigurationFile(@TempDir Path dir) throws Exception {
        try (Receiver hook = Receiver.start(); Receiver broken = Receiver.start()) {
            broken.answer(http -> http.respond(404, "text/plain", "no_service"));
            Path config = dir.resolve("mcpwatch.yaml");
            Files.writeString(config, """
                    server: {public_url: "https://mcpwatch.example.com"}
                    alerting:
                      channels:
                        ops: {type: webhook, url: "%s", secret: test-secret-1234567890}
                        gone: {type: slack, webhook_url: "%s"}
                        off: {type: slack, webhook_url: ""}
                    """.formatted(hook.url("/hook"), broken.url("/services/x")));

            EscalationTest.Cli ok = cli("alert", "test", "ops", "--config", config.toString());
            EscalationTest.Cli refused = cli("alert", "test", "gone", "--config", config.toString());
            EscalationTest.Cli disabled = cli("alert", "test", "off", "--config", config.toString());
            EscalationTest.Cli unknown = cli("alert", "test", "nope", "--config", config.toString());

            assertThat(ok.code()).isZero();
            assertThat(ok.out()).startsWith("test message delivered to ops (webhook) in ").contains("answer 200");
            JsonNode body = hook.requests().getFirst().json();
            assertThat(body.path("event").asString()).isEqualTo("test");
            assertThat(body.path("summary").asString()).isEqualTo("mcpwatch test message for channel ops");
            assertThat(body.path("dashboard_url").asString()).startsWith("https://mcpwatch.example.com/");
            assertThat(WebhookSignature.verifies(hook.requests().getFirst(), "test-secret-1234567890")).isTrue();
            assertThat(refused.code()).isEqualTo(2);
            assertThat(refused.err()).contains("NOT delivered to gone (slack)").contains("HTTP 404: no_service");
            assertThat(disabled.code()).isEqualTo(1);
            assertThat(disabled.err()).contains("channel 'off' is disabled: webhook_url is empty");
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.err()).contains("no channel 'nope'; channels: ops, gone, off");
        }
    }

    @Test
    void sendsATestMessageThroughTheRunningServer() {
        try (Switch server = new Switch(); Receiver hook = Receiver.start();
                ServeFixture serve = ServeFixture.start(ServeFixture.tempDir("alert-test-api"), """
                        monitors:
                          - id: weather
                            url: %s
                        alerting:
                          channels:
                            ops: {type: webhook, url: "%s"}
                        """.formatted(server.url(), hook.url("/hook")), Duration.ofSeconds(2), Duration.ofMillis(500))) {
            EscalationTest.Cli anonymous = cli("alert", "test", "ops", "--server", serve.base());
            String token = serve.apiToken();
            EscalationTest.Cli ok = cli("alert", "test", "ops", "--server", serve.base(), "--token", token);
            EscalationTest.Cli unknown = cli("alert", "test", "nope", "--server", serve.base(), "--token", token);

            assertThat(anonymous.code()).as("sending through the server is a write: it needs an API token").isEqualTo(1);
            assertThat(ok.code()).isZero();
            assertThat(ok.out()).startsWith("test message delivered to ops (webhook)");
            assertThat(hook.requests()).hasSize(1);
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.err()).contains("no channel 'nope'");
            JsonNode channels = serve.get("/api/alerting/channels").path("items");
            assertThat(channels.get(0).path("name").asString()).isEqualTo("ops");
            assertThat(channels.get(0).path("type").asString()).isEqualTo("webhook");
            assertThat(channels.toString()).doesNotContain(hook.url("/hook"));
        }
    }
}
