package dev.mcpwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.testkit.Examples;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code alerting:} section as an operator meets it: the example loads on a machine without
 * secrets, every mistake is reported by path, secrets never appear in messages, and routes pick
 * channels by severity and tags.
 */
class AlertingConfigTest {

    private static McpwatchConfig load(String yaml, Map<String, String> env) throws ConfigException {
        return new ConfigLoader(env::get).loadText(yaml, "mcpwatch.yaml");
    }

    private static List<String> problems(String yaml) {
        try {
            load(yaml, Map.of());
            throw new AssertionError("expected problems");
        } catch (ConfigException e) {
            return e.problems().stream().map(Problem::toString).toList();
        }
    }

    @Test
    void theExampleLoadsWithoutAnySecretAndItsChannelsAreDisabledNotBroken() throws Exception {
        McpwatchConfig c = new ConfigLoader(k -> null).load(Path.of("examples/mcpwatch.yaml"));

        AlertingConfig a = c.alerting();
        assertThat(a.channels().keySet()).containsExactly("ops-webhook", "team-slack", "team-discord", "oncall-pager", "backup-pager",
                "team-teams", "phone", "team-email");
        assertThat(a.channels().values()).allSatisfy(ch -> assertThat(ch.enabled()).isFalse());
        assertThat(a.channel("team-slack").disabledBecause()).isEqualTo("webhook_url is empty (is its environment variable set?)");
        assertThat(a.routes()).extracting(Route::name).containsExactly("weather-team", "outages", "degraded", "warnings");
        assertThat(a.policies().get("page-backup").steps()).hasSize(2);
        assertThat(a.maintenance()).extracting(MaintenanceWindow::name).containsExactly("tuesday-deploys");
        assertThat(a.ack().linksEnabled()).isFalse();
        // The one-off window, commented out as shipped (it names the example monitor), loads when enabled.
        assertThat(new ConfigLoader(k -> null).loadText(Examples.everyOptionEnabled(), "mcpwatch.yaml").alerting().maintenance())
                .extracting(MaintenanceWindow::name).containsExactly("tuesday-deploys", "database-migration");
    }

    @Test
    void theExampleRoutesP1ToPagerAndChatP2ToChatAndEmailAndP3ToADigest() throws Exception {
        Map<String, String> env = Map.of("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/X", "PAGERDUTY_ROUTING_KEY", "k",
                "SMTP_HOST", "smtp.example.com", "MCPWATCH_ACK_SECRET", "0123456789abcdef0123");
        AlertingConfig a = new ConfigLoader(env::get).load(Path.of("examples/mcpwatch.yaml")).alerting();

        assertThat(a.routesFor(Severity.P1, "everything", List.of())).extracting(Route::name).containsExactly("outages");
        assertThat(a.route("outages").channels()).contains("oncall-pager", "team-slack");
        assertThat(a.routesFor(Severity.P2, "everything", List.of())).extracting(Route::name).containsExactly("degraded");
        assertThat(a.route("degraded").channels()).containsExactly("team-slack", "team-email");
        assertThat(a.routesFor(Severity.P3, "everything", List.of())).extracting(Route::name).containsExactly("warnings");
        assertThat(a.route("warnings").digest().kind()).isEqualTo(DigestSchedule.Kind.WEEKLY);
        assertThat(a.routesFor(Severity.P1, "weather", List.of("prod", "team-weather"))).extracting(Route::name)
                .as("continue: true lets the next route match too").containsExactly("weather-team", "outages");
        assertThat(a.channel("team-slack").enabled()).isTrue();
        assertThat(a.ack().linksEnabled()).isTrue();
        assertThat(a.toString()).doesNotContain("hooks.slack.com").doesNotContain("0123456789abcdef");
    }

    @Test
    void everyMistakeIsReportedByPathWithoutRepeatingSecrets() {
        List<String> problems = problems("""
                monitors:
                  - id: weather
                    url: https://weather.example.com/mcp
                alerting:
                  channels:
                    chat: {type: slack, webhook_url: "not a url hooks-T0K3N"}
                    pager: {type: pagerduty}
                    odd: {type: carrier-pigeon}
                    mail: {type: email, from: me@example.com, to: [oncall@example.com], smtp: {host: h, security: tls}}
                  routes:
                    - name: pages
                      match: {severity: [P0], monitors: [wether]}
                      channels: [chat, sms]
                      escalation: nope
                    - name: review
                      channels: [pager]
                      digest: hourly
                  escalation_policies:
                    empty: {}
                  maintenance:
                    - name: window
                      weekly: {days: [funday], from: "25:00", to: "03:00"}
                      timezone: Mars/Olympus
                  ack: {secret: short}
                  delivery: {claim_timeout: 1s}
                """);

        assertThat(problems).contains(
                "mcpwatch.yaml: alerting.channels.chat.webhook_url: must be an http(s) URL (the value is not shown: it may hold a token)",
                "mcpwatch.yaml: alerting.channels.pager.routing_key: is required (write it as ${ENV_VAR} so the secret stays out of the file)",
                "mcpwatch.yaml: alerting.channels.odd.type: must be one of webhook, slack, discord, pagerduty, opsgenie, teams, ntfy, email, got 'carrier-pigeon'",
                "mcpwatch.yaml: alerting.channels.mail.smtp.security: must be starttls, ssl or none, got 'tls'",
                "mcpwatch.yaml: alerting.routes[0].match.severity: must be P1, P2 or P3, got 'P0'",
                "mcpwatch.yaml: alerting.routes[0].match.monitors: no monitor 'wether' (defined: weather)",
                "mcpwatch.yaml: alerting.routes[0].channels: no channel 'sms' (defined: chat, mail, odd, pager)",
                "mcpwatch.yaml: alerting.routes[0].escalation: no escalation policy 'nope' (defined: empty)",
                "mcpwatch.yaml: alerting.routes[1].digest: must be daily, weekly, or a mapping (schedule, at, day, timezone, or every), got 'hourly'",
                "mcpwatch.yaml: alerting.maintenance[0]: covers no monitor: give monitors (ids) or tags",
                "mcpwatch.yaml: alerting.maintenance[0].weekly.days: 'funday' is not a day (mon, tue, … or monday, tuesday, …)",
                "mcpwatch.yaml: alerting.maintenance[0].weekly.from: must be a time of day like 09:00 or 23:30, got '25:00'",
                "mcpwatch.yaml: alerting.maintenance[0].timezone: is not a time zone (examples: UTC, Europe/Paris, America/New_York), got 'Mars/Olympus'",
                "mcpwatch.yaml: alerting.ack.secret: must be at least 16 characters (the value is not shown)");
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("mcpwatch.yaml: alerting.escalation_policies.empty: "));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("mcpwatch.yaml: alerting.delivery.claim_timeout: must be longer"));
        assertThat(String.join("\n", problems)).doesNotContain("T0K3N").doesNotContain("short");
    }

    @Test
    void aDigestRouteCannotPageOrEscalate() {
        List<String> problems = problems("""
                alerting:
                  channels:
                    pager: {type: pagerduty, routing_key: k}
                  routes:
                    - name: review
                      channels: [pager]
                      escalation: p
                      digest: daily
                  escalation_policies:
                    p: {steps: [{after: 5m, channels: [pager]}]}
                """);

        assertThat(problems).contains(
                "mcpwatch.yaml: alerting.routes[0].channels: channel 'pager' (pagerduty) does not take digests; send digests to chat, e-mail or a webhook",
                "mcpwatch.yaml: alerting.routes[0].escalation: a digest route does not escalate: digests are for warnings, not pages");
    }

    @Test
    void unquotedTimesAndDatesAreReadAsWritten() throws Exception {
        AlertingConfig a = load("""
                monitors:
                  - id: weather
                    url: https://weather.example.com/mcp
                alerting:
                  channels:
                    ops: {type: webhook, url: "https://hooks.example.com/x"}
                  routes:
                    - {name: all, channels: [ops], digest: {schedule: weekly, day: fri, at: 16:30, timezone: Europe/Paris}}
                  maintenance:
                    - name: nightly
                      monitors: [weather]
                      weekly: {from: 23:00, to: 01:00}
                    - name: once
                      monitors: [weather]
                      from: 2026-12-01T22:00:00Z
                      to: 2026-12-02T02:00:00+01:00
                """, Map.of()).alerting();

        assertThat(a.route("all").digest().describe()).isEqualTo("weekly on FRIDAY at 16:30 Europe/Paris");
        assertThat(a.maintenance().get(0).start()).hasToString("23:00");
        assertThat(a.maintenance().get(0).days()).hasSize(7);
        assertThat(a.maintenance().get(1).to()).hasToString("2026-12-02T01:00:00Z");
    }

    @Test
    void alertingIsDefinedOnceAcrossAFolder(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("a.yaml"), "alerting: {channels: {x: {type: webhook, url: ''}}}\n");
        java.nio.file.Files.writeString(dir.resolve("b.yaml"), "alerting: {channels: {y: {type: webhook, url: ''}}}\n");

        assertThatThrownBy(() -> new ConfigLoader(k -> null).load(dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("b.yaml: alerting: is also defined in a.yaml; define it once");
    }
}
