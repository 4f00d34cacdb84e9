package dev.mcpwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.testkit.Certificates;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Path;
import java.time.Instant;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A certificate's days, told the same everywhere: the floor of the remaining time in days. A
 * certificate that expired a little over a day ago has −2 days left (between one and two days past)
 * and is "expired 1 day ago" in the probe's JSON, the waterfall, the warning and the monitor page.
 */
class CertificateDaysTest {
    @TempDir
    Path dir;

    @Test
    void aCertificateExpiredADayAgoIsTheSameDaysOldInTheProbeTheCliTheWarningAndThePage() throws Exception {
        Certificates certs = new Certificates();
        HeldCertificate leaf = certs.expired(); // not after: a day before it was made
        Instant notAfter = leaf.certificate().getNotAfter().toInstant();
        try (FixtureServer server = FixtureServer.https(Certificates.serverContext(leaf), ScriptedMcp.legacy());
                WebFixture web = WebFixture.start(dir, "monitors:\n  - {id: secure, url: '%s', interval: 24h}\n"
                        .formatted(server.url("/mcp")))) {
            ProbeResult r = new Prober().probe(ProbeSpec.http(server.url("/mcp")).trust(certs.root.certificate()).build());
            long expected = Math.floorDiv(notAfter.toEpochMilli() - r.startedAt().toEpochMilli(), 86_400_000L);
            web.record("secure", r);

            assertThat(expected).isEqualTo(-2);
            assertThat(r.tls().daysLeft()).as("the probe's JSON").isEqualTo(expected);
            assertThat(Waterfall.render(r)).as("the CLI").contains("expired " + notAfter + " (1 day ago)");
            JsonNode warning = Json.MAPPER.readTree(web.client().get("/api/monitors/secure/warnings?active=true").body())
                    .path("items").get(0);
            assertThat(warning.path("message").asString()).as("the warning").contains("expired 1 day ago");
            assertThat(warning.path("detail").path("days_left").asLong()).isEqualTo(expected);
            String page = web.loggedIn().get("/monitors/secure").body();
            assertThat(page).as("the monitor page").contains("<strong>-2</strong> — expired 1 day ago");
        }
    }
}
