package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Certificates;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.SdkServer;
import dev.mcpwatch.testkit.SilentServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * MCP over TLS with certificates made in the test: a private root the probe is told to trust, and
 * leaves that are valid, expired, for another host or from a root nobody trusts. The probe must
 * tell each apart and keep what it saw of the certificate even when validation failed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsProbeTest {
    private static final ProbeSpec.Timeouts SHORT = new ProbeSpec.Timeouts(
            Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofSeconds(5));

    private final Certificates certs = new Certificates();
    private final Prober prober = new Prober();

    @Test
    void validCertificateIsHealthyAndDescribed() {
        HeldCertificate leaf = certs.valid();
        try (FixtureServer server = FixtureServer.https(Certificates.serverContext(leaf), ScriptedMcp.legacy())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).trust(certs.root.certificate()).build());

            assertThat(r.failure()).isNull();
            TlsInfo tls = r.tls();
            assertThat(tls.version()).startsWith("TLSv1.");
            assertThat(tls.cipher()).startsWith("TLS_");
            assertThat(tls.subject()).isEqualTo("CN=localhost");
            assertThat(tls.issuer()).isEqualTo("CN=mcpwatch test root");
            assertThat(tls.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
            assertThat(tls.daysLeft()).isBetween(89L, 90L);
            assertThat(tls.hostnameMatch()).isTrue();
            assertThat(tls.chainValid()).isTrue();
            assertThat(tls.chainError()).isNull();
            assertThat(r.timings()).extracting(PhaseTiming::phase).containsSubsequence(Phase.CONNECT, Phase.TLS, Phase.DISCOVER);
            assertThat(Timings.of(r, Phase.TLS).durationMs()).isPositive();
        }
    }

    @Test
    void redirectFromHttpsToCleartextIsAnInsecureRedirectNotAHealthyProbe() {
        try (FixtureServer cleartext = FixtureServer.http(ScriptedMcp.legacy());
                FixtureServer secure = FixtureServer.https(Certificates.serverContext(certs.valid()), http -> {
                    http.setHeader("Location", cleartext.url("/mcp?key=from-the-redirect"));
                    http.empty(307);
                })) {
            ProbeSpec spec = ProbeSpec.http(secure.url("/mcp")).trust(certs.root.certificate()).header("Authorization", "Bearer s3cret")
                    .build();

            ProbeResult r = prober.probe(spec);

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.INSECURE_REDIRECT, Layer.TLS, Phase.DISCOVER);
            assertThat(r.failure().message()).isEqualTo("https endpoint redirected discover to cleartext " + cleartext.url("/mcp")
                    + "?key=(redacted) (HTTP 307); mcpwatch does not follow a downgrade unless the monitor sets allow_insecure_redirect");
            assertThat(cleartext.requests()).as("nothing went over cleartext").isEmpty();

            ProbeResult allowed = prober.probe(spec.toBuilder().allowInsecureRedirect(true).build());

            assertThat(allowed.failure()).isNull();
            assertThat(allowed.warnings()).anyMatch(w -> w.startsWith("followed a redirect from https to cleartext "
                    + cleartext.url("/mcp") + "?key=(redacted) (allow_insecure_redirect)"));
            assertThat(cleartext.requests()).isNotEmpty().allSatisfy(req -> assertThat(req.header("Authorization"))
                    .as("credentials stay with their origin").isNull());
        }
    }

    @Test
    void expiredCertificateIsCertExpired() {
        HeldCertificate leaf = certs.expired();
        try (FixtureServer server = FixtureServer.https(Certificates.serverContext(leaf), ScriptedMcp.legacy())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).trust(certs.root.certificate()).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.CERT_EXPIRED, Layer.TLS, Phase.TLS);
            assertThat(r.failure().message()).isEqualTo("Certificate for 127.0.0.1:" + server.port() + " expired on "
                    + leaf.certificate().getNotAfter().toInstant() + " (subject CN=localhost)");
            assertThat(r.tls().subject()).isEqualTo("CN=localhost");
            assertThat(r.tls().notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
            assertThat(r.tls().daysLeft()).isNegative();
            assertThat(r.tls().chainValid()).isFalse();
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void certificateForAnotherHostIsHostnameMismatch() {
        try (FixtureServer server = FixtureServer.https(Certificates.serverContext(certs.otherHost()), ScriptedMcp.legacy())) {
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).trust(certs.root.certificate()).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.CERT_HOSTNAME_MISMATCH, Layer.TLS, Phase.TLS);
            assertThat(r.failure().message()).isEqualTo("Certificate for 127.0.0.1:" + server.port()
                    + " does not match the host name (subject CN=wrong.example)");
            assertThat(r.tls().hostnameMatch()).isFalse();
            assertThat(r.tls().chainValid()).isTrue(); // the chain is fine; only the name is wrong
            assertThat(r.tls().subject()).isEqualTo("CN=wrong.example");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void certificateFromAnUnknownRootIsCertUntrusted() {
        try (FixtureServer server = FixtureServer.https(Certificates.serverContext(certs.untrusted()), ScriptedMcp.legacy())) {
            // The test root is trusted; the server's leaf comes from another one.
            ProbeResult r = prober.probe(ProbeSpec.http(server.url("/mcp")).trust(certs.root.certificate()).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.CERT_UNTRUSTED, Layer.TLS, Phase.TLS);
            assertThat(r.failure().message()).startsWith("Certificate chain of 127.0.0.1:" + server.port()
                    + " is not trusted (subject CN=localhost): ");
            assertThat(r.tls().issuer()).isEqualTo("CN=stranger root");
            assertThat(r.tls().chainValid()).isFalse();
            assertThat(r.tls().chainError()).isNotBlank();
            assertThat(r.tls().daysLeft()).isPositive();
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void plainHttpServerBehindAnHttpsUrlIsTlsHandshakeFailed() {
        // Jetty answers the ClientHello with a plain-text 400, as any HTTP server on a misconfigured port does.
        try (SdkServer plain = SdkServer.streamable(SdkServer.echo())) {
            String https = plain.url().replaceFirst("^http:", "https:");
            int port = URI.create(https).getPort();

            ProbeResult r = prober.probe(ProbeSpec.http(https).timeouts(SHORT).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.TLS_HANDSHAKE_FAILED, Layer.TLS, Phase.TLS);
            assertThat(r.failure().message()).startsWith("TLS handshake with 127.0.0.1:" + port + " failed: ");
            assertThat(r.timings()).extracting(PhaseTiming::phase).contains(Phase.CONNECT).doesNotContain(Phase.TLS);
        }
    }

    @Test
    void tlsPortThatNeverHandshakesTimesOutInTls() {
        try (SilentServer silent = new SilentServer()) {
            ProbeResult r = prober.probe(ProbeSpec.http(silent.url("https", "/mcp")).timeouts(SHORT).build());

            assertThat(r.failure()).extracting(Failure::reason, Failure::layer, Failure::phase)
                    .containsExactly(Reason.TIMEOUT, Layer.TIME, Phase.TLS);
            assertThat(r.failure().message()).isEqualTo("Timeout after 400 ms in tls");
            assertThat(r.totalMs()).isBetween(350.0, 2_000.0);
        }
    }
}
