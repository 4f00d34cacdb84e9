package dev.mcpwatch.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.alert.channel.Alert;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentStatus;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The alert every channel renders: the fields of PRODUCT.md §3, links under the public URL, the
 * built-in runbook of the failure mode unless the monitor names its own, a verifiable ack link, and
 * no secret of the monitor anywhere.
 */
class PayloadTest {
    private static final String SECRET = "payload-test-secret-0123";
    private static final long ONSET = java.time.Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();

    private static MonitorConfig monitor(String extra) throws Exception {
        return new ConfigLoader(k -> "t0ken-from-env").loadText("""
                monitors:
                  - id: weather
                    name: Weather MCP
                    url: https://bot:hunter2@weather.example.com/mcp?api_key=${API_KEY}&region=eu
                    headers: {Authorization: "Bearer ${TOKEN}"}
                    tags: [prod]
                %s
                """.formatted(extra), "t.yaml").monitors().getFirst();
    }

    private static Incident incident() {
        return new Incident(17, "weather", IncidentStatus.OPEN, Severity.P1,
                new Failure(Reason.CONNECTION_REFUSED, Phase.CONNECT, "Connection refused to 10.0.0.7:443"), ONSET, ONSET + 20_000, null, null,
                null, null, 3, 1L, 3L, Severity.P1);
    }

    private static Payloads payloads() {
        return new Payloads(() -> "https://status.example.com/", () -> new AlertingConfig.Ack(SECRET, Duration.ofHours(1)),
                id -> id.equals("weather") ? "public" : null);
    }

    @Test
    void anOpenedIncidentCarriesEveryFieldAndLinksButNoSecret() throws Exception {
        long at = System.currentTimeMillis();
        Alert a = payloads().incident("incident.opened", incident(), MonitorInfo.of(monitor("")), List.of("eu-west"), at,
                Payloads.Extra.NONE);
        String json = Json.MAPPER.writeValueAsString(a);

        assertThat(a.dedupKey()).isEqualTo("mcpwatch:weather:incident:17");
        assertThat(a.summary()).isEqualTo("[P1] Weather MCP is down: connection_refused (tcp layer)");
        assertThat(a.monitor().url()).isEqualTo("https://weather.example.com/mcp?api_key=(redacted)&region=(redacted)");
        assertThat(a.failure()).isEqualTo(new Alert.Failure("tcp", "connection_refused", "connect", "Connection refused to 10.0.0.7:443"));
        assertThat(a.consecutiveFailures()).isEqualTo(3);
        assertThat(a.locations()).containsExactly("eu-west");
        assertThat(a.startedAt()).isEqualTo("2026-11-21T10:00:00Z");
        assertThat(a.detectedAt()).isEqualTo("2026-11-21T10:00:20Z");
        assertThat(a.durationMs()).isEqualTo(at - ONSET);
        assertThat(a.runbookUrl()).isEqualTo("https://status.example.com/runbooks/connection-refused");
        assertThat(a.dashboardUrl()).isEqualTo("https://status.example.com/monitors/weather");
        assertThat(a.statusPageUrl()).as("the status page that shows the monitor").isEqualTo("https://status.example.com/status/public");
        String token = a.ackUrl().substring("https://status.example.com/ack/".length());
        AckLinks.Verified v = new AckLinks(SECRET).verify(token, at);
        assertThat(v.incidentId()).isEqualTo(17);
        assertThat(v.expiresAtMs()).isBetween(at + 3_590_000, at + 3_600_000);
        assertThat(json).doesNotContain("t0ken-from-env").doesNotContain("hunter2").doesNotContain("bot:").doesNotContain(SECRET);
    }

    @Test
    void theMonitorsOwnRunbookWinsAndAResolvedIncidentHasNoAckLink() throws Exception {
        Incident resolved = new Incident(17, "weather", IncidentStatus.RESOLVED, Severity.P1,
                new Failure(Reason.TIMEOUT, Phase.INITIALIZE, "Timeout after 10000 ms"), 1_000L, 21_000L, 25_000L, null, 301_000L, "recovered",
                3, 1L, 3L, null);
        Alert a = payloads().incident("incident.resolved", resolved,
                MonitorInfo.of(monitor("    runbook_url: https://wiki.example.com/weather")), List.of(), 301_000L, Payloads.Extra.NONE);

        assertThat(a.runbookUrl()).isEqualTo("https://wiki.example.com/weather");
        assertThat(a.status()).isEqualTo("resolved");
        assertThat(a.resolvedAt()).isEqualTo("1970-01-01T00:05:01Z");
        assertThat(a.durationMs()).isEqualTo(300_000L);
        assertThat(a.summary()).isEqualTo("[P1] Weather MCP recovered after 5m 0s");
        assertThat(a.ackUrl()).isNull();
    }

    @Test
    void aMonitorOnNoStatusPageHasNoStatusPageLink() throws Exception {
        Alert a = new Payloads(() -> "https://status.example.com", () -> new AlertingConfig.Ack(SECRET, Duration.ofHours(1)))
                .incident("incident.opened", incident(), MonitorInfo.of(monitor("")), List.of(), ONSET + 20_000, Payloads.Extra.NONE);
        assertThat(a.statusPageUrl()).isNull();
    }

    @Test
    void eachFailureLinksTheRunbookOfItsMode() throws Exception {
        Incident tls = new Incident(18, "weather", IncidentStatus.OPEN, Severity.P1,
                new Failure(Reason.CERT_EXPIRED, Phase.TLS, "certificate expired"), ONSET, ONSET + 20_000, null, null, null, null, 3, 1L, 3L,
                Severity.P1);
        assertThat(payloads().incident("incident.opened", tls, MonitorInfo.of(monitor("")), List.of(), ONSET + 20_000, Payloads.Extra.NONE)
                .runbookUrl()).isEqualTo("https://status.example.com/runbooks/tls-certificate");
        assertThat(payloads().warning(new dev.mcpwatch.monitor.MonitorEvent.Warning("weather", "credentials.expiring", null, "expires soon", null,
                ONSET), MonitorInfo.of(monitor(""))).runbookUrl()).isEqualTo("https://status.example.com/runbooks/authentication-required");
    }
}
