package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Certificates;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import org.junit.jupiter.api.Test;

/**
 * Every https request of a probe goes through that probe's own TLS set-up (its SSL context and the
 * recorder that validates and keeps the chain), whether the target is https or an http endpoint
 * that redirects there; plain-http probes do not build one.
 */
class TlsPerProbeTest {
    private final Certificates certs = new Certificates();
    private final Prober prober = new Prober();

    @Test
    void everyProbeOfAnHttpsServerHandshakesAndRecordsTheCertificate() {
        try (FixtureServer server = FixtureServer.https(Certificates.serverContext(certs.valid()), ScriptedMcp.legacy())) {
            ProbeSpec spec = ProbeSpec.http(server.url("/mcp")).trust(certs.root.certificate()).build();
            for (int i = 0; i < 2; i++) {
                ProbeResult r = prober.probe(spec);

                assertThat(r.failure()).isNull();
                assertThat(r.timings()).extracting(PhaseTiming::phase).contains(Phase.TLS);
                assertThat(r.tls().chainValid()).isTrue();
                assertThat(r.tls().subject()).contains("localhost");
                assertThat(r.tls().version()).startsWith("TLS");
            }
        }
    }

    @Test
    void httpEndpointRedirectingToHttpsIsValidatedByTheProbesOwnTrust() {
        try (FixtureServer tls = FixtureServer.https(Certificates.serverContext(certs.valid()), ScriptedMcp.legacy());
                FixtureServer plain = FixtureServer.http(redirectTo(tls.url("/mcp")))) {
            ProbeResult r = prober.probe(ProbeSpec.http(plain.url("/mcp")).trust(certs.root.certificate()).build());

            assertThat(r.failure()).isNull();
            assertThat(r.tls()).isNotNull();
            assertThat(r.tls().chainValid()).isTrue();
            assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("redirects"));
        }
    }

    @Test
    void httpEndpointRedirectingToAnUntrustedCertificateFailsAsUntrusted() {
        try (FixtureServer tls = FixtureServer.https(Certificates.serverContext(certs.untrusted()), ScriptedMcp.legacy());
                FixtureServer plain = FixtureServer.http(redirectTo(tls.url("/mcp")))) {
            ProbeResult r = prober.probe(ProbeSpec.http(plain.url("/mcp")).trust(certs.root.certificate()).build());

            assertThat(r.reason()).isEqualTo(Reason.CERT_UNTRUSTED);
            assertThat(r.tls().chainValid()).isFalse();
            assertThat(r.tls().subject()).contains("localhost");
        }
    }

    private static FixtureServer.Handler redirectTo(String url) {
        return http -> {
            http.setHeader("Location", url);
            http.empty(307);
        };
    }
}
