package dev.mcpwatch.testkit;

import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/** Certificates made in the test: a private root and leaves for every TLS failure worth testing. */
public final class Certificates {
    public final HeldCertificate root = new HeldCertificate.Builder()
            .certificateAuthority(0)
            .commonName("mcpwatch test root")
            .build();

    /** A leaf for localhost and 127.0.0.1, valid now. */
    public HeldCertificate valid() {
        return leaf("localhost", Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(90)), root);
    }

    /** A leaf that expired yesterday. */
    public HeldCertificate expired() {
        return leaf("localhost", Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)), root);
    }

    /** A valid leaf for another host name. */
    public HeldCertificate otherHost() {
        return new HeldCertificate.Builder()
                .commonName("wrong.example")
                .addSubjectAlternativeName("wrong.example")
                .validityInterval(Instant.now().minus(Duration.ofDays(1)).toEpochMilli(), Instant.now().plus(Duration.ofDays(90)).toEpochMilli())
                .signedBy(root)
                .build();
    }

    /** A valid leaf signed by a root nobody trusts. */
    public HeldCertificate untrusted() {
        HeldCertificate stranger = new HeldCertificate.Builder().certificateAuthority(0).commonName("stranger root").build();
        return leaf("localhost", Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(90)), stranger);
    }

    /** A leaf expiring in {@code days} days. */
    public HeldCertificate expiringIn(int days) {
        return leaf("localhost", Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(days)).plusSeconds(3600), root);
    }

    private static HeldCertificate leaf(String host, Instant from, Instant until, HeldCertificate signer) {
        return new HeldCertificate.Builder()
                .commonName(host)
                .addSubjectAlternativeName(host)
                .addSubjectAlternativeName("127.0.0.1")
                .validityInterval(from.toEpochMilli(), until.toEpochMilli())
                .signedBy(signer)
                .build();
    }

    /** A server-side TLS context presenting {@code leaf}. */
    public static SSLContext serverContext(HeldCertificate leaf) {
        return new HandshakeCertificates.Builder().heldCertificate(leaf).build().sslContext();
    }
}
