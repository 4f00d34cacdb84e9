package dev.mcpwatch.probe;

import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Handshake;
import okhttp3.OkHttpClient;

/**
 * Validates the server's certificate exactly as a client would (the JDK's trust store plus any
 * certificates the spec trusts), while keeping what it saw: the chain, whether it validated and
 * why not, and whether the host name matched. One per probe, with its own SSL context so that no
 * TLS session is resumed and every handshake is a full one; the context is made on first use, so a
 * probe of a plain-http server does not pay for one.
 */
final class TlsRecorder implements X509TrustManager, HostnameVerifier {
    private static final HostnameVerifier STANDARD_HOSTNAMES = new OkHttpClient().hostnameVerifier();
    private static final Map<List<X509Certificate>, X509TrustManager> TRUST = new ConcurrentHashMap<>();

    private final X509TrustManager delegate;
    private SSLSocketFactory socketFactory; // guarded by this; made on first use
    private volatile X509Certificate[] chain;
    private volatile CertificateException chainError;
    private volatile Boolean hostnameMatch;

    TlsRecorder(List<X509Certificate> extraTrust) {
        this.delegate = TRUST.computeIfAbsent(extraTrust, TlsRecorder::trustManager);
    }

    /** A socket factory of this recorder's own SSL context, which no other probe shares. */
    synchronized SSLSocketFactory socketFactory() {
        if (socketFactory == null) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new javax.net.ssl.TrustManager[] {this}, null);
                socketFactory = context.getSocketFactory();
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("TLS is not available in this JDK", e);
            }
        }
        return socketFactory;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType) throws CertificateException {
        chain = presented.clone();
        try {
            delegate.checkServerTrusted(presented, authType);
        } catch (CertificateException e) {
            chainError = e;
            throw e;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType) throws CertificateException {
        throw new CertificateException("mcpwatch does not accept client connections");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    @Override
    public boolean verify(String hostname, SSLSession session) {
        boolean ok = STANDARD_HOSTNAMES.verify(hostname, session);
        hostnameMatch = ok;
        return ok;
    }

    boolean sawChain() {
        return chain != null && chain.length > 0;
    }

    boolean leafExpired() {
        return sawChain() && chain[0].getNotAfter().toInstant().isBefore(Instant.now());
    }

    boolean leafNotYetValid() {
        return sawChain() && chain[0].getNotBefore().toInstant().isAfter(Instant.now());
    }

    boolean chainRejected() {
        return chainError != null;
    }

    Boolean hostnameMatch() {
        return hostnameMatch;
    }

    /** What was seen of TLS so far; the handshake is null when it failed. */
    TlsInfo info(Handshake handshake) {
        String version = handshake == null ? null : handshake.tlsVersion().javaName();
        String cipher = handshake == null ? null : handshake.cipherSuite().javaName();
        X509Certificate leaf = sawChain() ? chain[0] : null;
        if (leaf == null && handshake != null && !handshake.peerCertificates().isEmpty()
                && handshake.peerCertificates().getFirst() instanceof X509Certificate x) {
            leaf = x;
        }
        if (leaf == null) {
            return new TlsInfo(version, cipher, null, null, null, null, hostnameMatch, chainError == null ? null : false,
                    chainError == null ? null : describe(chainError));
        }
        Instant notAfter = leaf.getNotAfter().toInstant();
        long daysLeft = TlsInfo.daysLeft(notAfter, Instant.now());
        return new TlsInfo(version, cipher, leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(),
                notAfter, daysLeft, hostnameMatch, chainError == null, chainError == null ? null : describe(chainError));
    }

    X509Certificate leaf() {
        return sawChain() ? chain[0] : null;
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return Text.clip(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage(), 200);
    }

    private static X509TrustManager trustManager(List<X509Certificate> extra) {
        try {
            X509TrustManager system = fromKeyStore(null);
            if (extra.isEmpty()) {
                return system;
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : system.getAcceptedIssuers()) {
                store.setCertificateEntry("system-" + i++, ca);
            }
            for (X509Certificate ca : extra) {
                store.setCertificateEntry("extra-" + i++, ca);
            }
            return fromKeyStore(store);
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the trust store: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager fromKeyStore(KeyStore store) throws java.security.GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (javax.net.ssl.TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X509 trust manager in this JDK");
    }
}
