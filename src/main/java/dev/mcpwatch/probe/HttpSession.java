package dev.mcpwatch.probe;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.Proxy;
import java.net.ProtocolException;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.Dns;
import okhttp3.EventListener;
import okhttp3.Handshake;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The HTTP side of one probe: its own OkHttp clients (own connection pool, so the first request of
 * every probe really resolves, connects and handshakes; own SSL context, so no TLS session is
 * resumed), the phase hooks that time dns, connect and tls, bounded redirects, and the translation
 * of every I/O error and HTTP status into a {@link Failure}.
 */
final class HttpSession implements AutoCloseable {
    private static final OkHttpClient BASE = new OkHttpClient.Builder()
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .build();

    /** Name lookups block in native code, so they run on platform threads and are waited for with a deadline. */
    private static final ThreadPoolExecutor LOOKUPS = lookupPool();

    private final ProbeSpec spec;
    private final Recorder rec;
    private final Deadline deadline;
    private final TlsRecorder tls;
    private final ConnectionPool pool = new ConnectionPool(4, 1, TimeUnit.MINUTES);
    private final StaleConnections stale = new StaleConnections(pool);
    /** Where the configured headers may go: the origin of the monitored URL, and nowhere else. */
    private final HttpUrl home;
    private final OkHttpClient plain;
    private OkHttpClient secure; // guarded by this; built on the first https request

    static void warmUp() {
        new TlsRecorder(List.of()).socketFactory();
    }

    HttpSession(ProbeSpec spec, Recorder rec, Deadline deadline) {
        this.spec = spec;
        this.rec = rec;
        this.deadline = deadline;
        this.tls = new TlsRecorder(spec.trustedCertificates());
        this.home = HttpUrl.get(spec.url().toString());
        this.plain = common().connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).build();
    }

    /** What every request of this probe shares, whatever its scheme. */
    private OkHttpClient.Builder common() {
        OkHttpClient.Builder b = BASE.newBuilder();
        if (spec.authorizer() != null) {
            b.addInterceptor(new AuthorizingInterceptor(spec.authorizer(), home, this));
        }
        return stale.install(b)
                .connectionPool(pool)
                .dns(this::lookup)
                .eventListenerFactory(call -> {
                    StageTracker t = call.request().tag(StageTracker.class);
                    return t != null ? t : EventListener.NONE;
                })
                .connectTimeout(spec.timeouts().connect())
                .readTimeout(spec.timeouts().total())
                .writeTimeout(spec.timeouts().total());
    }

    /**
     * The client for a URL. Only https gets the TLS set-up (this probe's SSL context, the recorder as
     * trust manager), made on the first https request: OkHttp indexes every trusted CA when it is
     * given a trust manager, which cost a plain-http probe about a tenth of its CPU and a quarter of
     * its allocation for nothing (bench/README.md). The plain client is cleartext-only, so it cannot
     * make a TLS connection at all, let alone one with shared, resumable session state.
     */
    private synchronized OkHttpClient client(HttpUrl url) {
        if (!url.isHttps()) {
            return plain;
        }
        if (secure == null) {
            secure = common().sslSocketFactory(tls.socketFactory(), tls).hostnameVerifier(tls).build();
        }
        return secure;
    }

    /** A call in flight; {@link #response} is open and must be closed by the caller. */
    record Exchange(Call call, Response response, StageTracker tracker, long endNanos) implements AutoCloseable {
        HttpUrl finalUrl() {
            return response.request().url();
        }

        @Override
        public void close() {
            response.close();
        }
    }

    /**
     * Sends a request and follows redirects (at most the spec's cap, never in a loop). Configured
     * headers are dropped when a redirect leaves the origin, so credentials never follow to
     * another host.
     */
    Exchange execute(Request request, Deadline.Budget budget, Recorder.StepTimer timer) {
        return execute(request, budget, timer, budget.endNanos(System.nanoTime()));
    }

    /** As {@link #execute(Request, Deadline.Budget, Recorder.StepTimer)}, ending at {@code endNanos} (a step already under way). */
    Exchange execute(Request request, Deadline.Budget budget, Recorder.StepTimer timer, long endNanos) {
        Phase phase = timer.phase();
        Set<HttpUrl> seen = new LinkedHashSet<>();
        seen.add(request.url());
        Request current = request;
        for (int hop = 0; ; hop++) {
            StageTracker tracker = new StageTracker();
            Call call = client(current.url()).newCall(current.newBuilder().tag(StageTracker.class, tracker).build());
            call.timeout().timeout(Math.max(1, (endNanos - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            Response response;
            try {
                response = call.execute();
            } catch (IOException e) {
                throw classify(e, tracker, phase, budget, endNanos, current.url());
            }
            timer.firstByte();
            String badLength = badContentLength(response);
            if (badLength != null) {
                int code = response.code();
                call.cancel(); // the client would read such a body by its broken length, even to discard it
                try {
                    response.close();
                } catch (RuntimeException ignored) {
                    // closing reads what is left of the body; with a negative length that fails, and the call is cancelled anyway
                }
                throw new ProbeFailure(Reason.HTTP_ERROR, phase, "Malformed HTTP response in " + phase.wireName() + ": Content-Length '"
                        + Text.printable(badLength, 40) + "' is not a length", code);
            }
            if (!isRedirect(response.code())) {
                if (spec.servedByHeader() != null) {
                    timer.servedBy(response.header(spec.servedByHeader()));
                }
                return new Exchange(call, response, tracker, endNanos);
            }
            String location = response.header("Location");
            int code = response.code();
            response.close();
            HttpUrl next = location == null ? null : current.url().resolve(location);
            if (next == null) {
                throw new ProbeFailure(Reason.HTTP_ERROR, phase, "HTTP " + code + " redirect from " + phase.wireName()
                        + " has no usable Location", code);
            }
            if (!seen.add(next)) {
                throw new ProbeFailure(Reason.REDIRECT_LOOP, phase, "Redirect loop in " + phase.wireName() + ": "
                        + String.join(" → ", seen.stream().map(HttpSession::shown).toList()) + " → " + shown(next), code);
            }
            if (hop + 1 > spec.limits().maxRedirects()) {
                throw new ProbeFailure(Reason.REDIRECT_LOOP, phase, "More than " + spec.limits().maxRedirects()
                        + " redirects in " + phase.wireName() + " (last to " + shown(next) + ")", code);
            }
            if (current.url().isHttps() && !next.isHttps()) {
                // Everything after this hop would cross the network in cleartext, credentials included.
                if (!spec.allowInsecureRedirect()) {
                    throw new ProbeFailure(Reason.INSECURE_REDIRECT, phase, "https endpoint redirected " + phase.wireName()
                            + " to cleartext " + shown(next) + " (HTTP " + code + "); mcpwatch does not follow a downgrade unless "
                            + "the monitor sets allow_insecure_redirect", code);
                }
                rec.warn("followed a redirect from https to cleartext " + shown(next) + " (allow_insecure_redirect): "
                        + "this probe's MCP traffic was not encrypted");
            }
            rec.warn("endpoint redirects (HTTP " + code + ") to " + shown(next) + "; point the monitor at the final URL");
            Request.Builder b = current.newBuilder().url(next);
            if (!sameOrigin(current.url(), next)) {
                spec.headers().keySet().forEach(b::removeHeader);
                rec.warn("configured headers were not sent to " + next.host() + " after a cross-origin redirect");
            }
            current = b.build();
        }
    }

    /**
     * Turns a non-2xx response into the failure it means. Returns normally for 2xx. For an error
     * status whose body is JSON, returns that body: it may be a JSON-RPC error the caller reads.
     */
    byte[] checkStatus(Exchange ex, Phase phase, boolean sessionActive) throws IOException {
        Response resp = ex.response();
        int code = resp.code();
        if (code >= 200 && code < 300) {
            return null;
        }
        if (code == 401 && resp.challenges().stream().anyMatch(c -> c.scheme().equalsIgnoreCase("DPoP"))) {
            // A DPoP-only server (RFC 9449 §7.1) is auth-walled as much as a Bearer one.
            String oauth = spec.authorizer() == null ? null : spec.authorizer().problem();
            throw new ProbeFailure(Reason.AUTH_REQUIRED, phase, "Authorization required (HTTP 401, DPoP) in " + phase.wireName()
                    + (oauth == null ? "" : "; OAuth: " + oauth), code);
        }
        if (code == 401 || code == 403) {
            AuthInfo auth = AuthProbe.inspect(resp, this, phase);
            if (auth != null) {
                rec.auth(auth);
                String oauth = spec.authorizer() == null ? null : spec.authorizer().problem();
                throw new ProbeFailure(Reason.AUTH_REQUIRED, phase, AuthProbe.sentence(auth, phase)
                        + (oauth == null ? "" : "; OAuth: " + oauth), code);
            }
        }
        if (code == 429) {
            String retry = resp.header("Retry-After");
            throw new ProbeFailure(Reason.RATE_LIMITED, phase, "Rate limited (HTTP 429) in " + phase.wireName()
                    + (retry == null ? "" : "; Retry-After: " + Text.clip(retry, 40)), code);
        }
        byte[] body = Bodies.readAtMost(resp.body().byteStream(), 64 * 1024);
        Bodies.Kind kind = Bodies.kind(resp.header("Content-Type"));
        if (kind == Bodies.Kind.JSON || (kind == Bodies.Kind.OTHER && Bodies.sniff(body) == Bodies.Kind.JSON)) {
            if (looksLikeJsonRpcError(body)) {
                if (sessionActive && isSessionProblem(code, body)) {
                    throw sessionRejected(phase, code, body);
                }
                return body;
            }
        }
        if (sessionActive && isSessionProblem(code, body)) {
            throw sessionRejected(phase, code, body);
        }
        String detail = body.length == 0 ? "" : ": " + Text.snippet(body, 120);
        throw new ProbeFailure(Reason.HTTP_ERROR, phase, "HTTP " + code + " from " + phase.wireName() + detail, code);
    }

    private static boolean isSessionProblem(int code, byte[] body) {
        return code == 404 || (code == 400 && Text.snippet(body, 400).toLowerCase(Locale.ROOT).contains("session"));
    }

    private static ProbeFailure sessionRejected(Phase phase, int code, byte[] body) {
        return new ProbeFailure(Reason.SESSION_REJECTED, phase, "Server rejected the session in " + phase.wireName()
                + " (HTTP " + code + (body.length == 0 ? "" : ": " + Text.snippet(body, 100)) + ")", code);
    }

    private static boolean looksLikeJsonRpcError(byte[] body) {
        try {
            var node = JsonFeed.parse(body, ProbeSpec.Limits.DEFAULT);
            return node.isObject() && node.has("error");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Translates an I/O error into the failure it means, using the stage the call had reached. */
    ProbeFailure classify(IOException e, StageTracker tracker, Phase step, Deadline.Budget budget, long endNanos, HttpUrl url) {
        return classify(e, tracker, step, budget, endNanos, url, false);
    }

    private ProbeFailure classify(IOException e, StageTracker tracker, Phase step, Deadline.Budget budget, long endNanos, HttpUrl url,
            boolean responding) {
        String hostPort = url.host() + ":" + url.port();
        Stage stage = tracker.stage;
        if (e instanceof DnsTimeoutException) {
            return new ProbeFailure(Reason.TIMEOUT, Phase.DNS, "Timeout after " + e.getMessage() + " ms resolving " + url.host());
        }
        if (e instanceof UnknownHostException) {
            return new ProbeFailure(Reason.DNS_UNRESOLVED, Phase.DNS, "Could not resolve host " + url.host());
        }
        if (e instanceof SSLPeerUnverifiedException || Boolean.FALSE.equals(tls.hostnameMatch())) {
            rec.tls(tls.info(null));
            return new ProbeFailure(Reason.CERT_HOSTNAME_MISMATCH, Phase.TLS, "Certificate for " + hostPort
                    + " does not match the host name" + subjectOf());
        }
        boolean timedOut = e instanceof InterruptedIOException || System.nanoTime() >= endNanos - 2_000_000;
        if (stage == Stage.CONNECT && timedOut) {
            long ms = Math.min(spec.timeouts().connect().toMillis(), budget.millis());
            return new ProbeFailure(Reason.CONNECT_TIMEOUT, Phase.CONNECT, "Connect to " + hostPort + " timed out after " + ms + " ms");
        }
        if (stage == Stage.TLS && timedOut) {
            return budget.timeout(Phase.TLS);
        }
        if (e instanceof SSLException || stage == Stage.TLS) {
            rec.tls(tls.info(null));
            if (tls.leafExpired()) {
                return new ProbeFailure(Reason.CERT_EXPIRED, Phase.TLS, "Certificate for " + hostPort + " expired on "
                        + tls.leaf().getNotAfter().toInstant() + subjectOf());
            }
            if (tls.leafNotYetValid()) {
                return new ProbeFailure(Reason.CERT_UNTRUSTED, Phase.TLS, "Certificate for " + hostPort + " is not valid until "
                        + tls.leaf().getNotBefore().toInstant() + subjectOf());
            }
            if (tls.chainRejected()) {
                return new ProbeFailure(Reason.CERT_UNTRUSTED, Phase.TLS, "Certificate chain of " + hostPort
                        + " is not trusted" + subjectOf() + ": " + TlsRecorder.describe(e));
            }
            return new ProbeFailure(Reason.TLS_HANDSHAKE_FAILED, Phase.TLS, "TLS handshake with " + hostPort + " failed: "
                    + TlsRecorder.describe(e));
        }
        if (e instanceof NoRouteToHostException || e instanceof PortUnreachableException
                || messageContains(e, "unreachable") || messageContains(e, "no route")) {
            return new ProbeFailure(Reason.NETWORK_UNREACHABLE, Phase.CONNECT, "Network unreachable to " + hostPort);
        }
        if (IoErrors.isReset(e)) {
            // TCP connected (the server accepted, then sent RST): not a refused connection, whatever
            // stage the client had reached when it noticed.
            return new ProbeFailure(Reason.HTTP_ERROR, step, "Connection to " + hostPort + " was reset by the server in "
                    + step.wireName() + (responding ? ", in the middle of the response" : ", after it was accepted"));
        }
        if (e instanceof ConnectException || stage == Stage.CONNECT) {
            if (messageContains(e, "timed out")) {
                return new ProbeFailure(Reason.CONNECT_TIMEOUT, Phase.CONNECT, "Connect to " + hostPort + " timed out");
            }
            return new ProbeFailure(Reason.CONNECTION_REFUSED, Phase.CONNECT, "Connection refused to " + hostPort);
        }
        if (stage == Stage.DNS && timedOut) {
            return budget.timeout(Phase.DNS);
        }
        if (timedOut) {
            return budget.timeout(step);
        }
        if (e instanceof ProtocolException || IoErrors.isHeaderOverflow(e)) {
            return new ProbeFailure(Reason.HTTP_ERROR, step, "Malformed HTTP response in " + step.wireName() + ": " + IoErrors.describe(e));
        }
        return new ProbeFailure(Reason.HTTP_ERROR, step, "Connection to " + hostPort + " broke in " + step.wireName()
                + " before a complete response: " + IoErrors.describe(e));
    }

    /** Classification for errors while reading a body, after the response headers arrived. */
    ProbeFailure classifyRead(IOException e, Exchange ex, Phase step, Deadline.Budget budget) {
        return classify(e, ex.tracker(), step, budget, ex.endNanos(), ex.response().request().url(), true);
    }

    private String subjectOf() {
        var leaf = tls.leaf();
        return leaf == null ? "" : " (subject " + leaf.getSubjectX500Principal().getName() + ")";
    }

    private static boolean messageContains(Throwable e, String needle) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains(needle)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * The Content-Length the response declares when it is not one length (negative, not a number,
     * or several that differ), or null. The HTTP client would fail on such a body with an error
     * of its own; this says what the server did.
     */
    private static String badContentLength(Response response) {
        List<String> values = response.headers("Content-Length");
        for (String v : values) {
            if (!isLength(v.strip()) || !v.strip().equals(values.getFirst().strip())) {
                return v;
            }
        }
        return null;
    }

    /** 1 to 18 ASCII digits; by hand, as {@code String.matches} compiled its pattern on every response. */
    private static boolean isLength(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A URL as a message may show it: a redirect target may carry the monitor's own query token. */
    private static String shown(HttpUrl url) {
        return Urls.redact(url.toString());
    }

    private static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
        return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
    }

    Deadline deadline() {
        return deadline;
    }

    /** The monitored URL, parsed once per probe. */
    HttpUrl home() {
        return home;
    }

    /** This probe's HTTP client for a URL: its trust, its connections, no redirects followed. For side requests like auth metadata. */
    OkHttpClient clientFor(HttpUrl url) {
        return client(url);
    }

    ProbeSpec spec() {
        return spec;
    }

    Recorder recorder() {
        return rec;
    }

    @Override
    public void close() {
        pool.evictAll();
    }

    private List<InetAddress> lookup(String host) throws UnknownHostException {
        long timeout = Math.max(1, Math.min(spec.timeouts().connect().toMillis(), deadline.remainingNanos() / 1_000_000));
        Future<InetAddress[]> f = LOOKUPS.submit(() -> InetAddress.getAllByName(host));
        try {
            return List.of(f.get(timeout, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new DnsTimeoutException(timeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException u) {
                throw u;
            }
            throw new UnknownHostException(host + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException(host + ": interrupted");
        }
    }

    private static ThreadPoolExecutor lookupPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(32, 32, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name("mcpwatch-dns-", 0).factory());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** A lookup that did not finish in time; the message is the limit in milliseconds. */
    static final class DnsTimeoutException extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        DnsTimeoutException(long millis) {
            super(Long.toString(millis));
        }
    }

    enum Stage { START, DNS, CONNECT, TLS, REQUEST }

    /**
     * Follows one call through OkHttp's events: which stage it is in (so a timeout can be blamed on
     * connect, tls or the MCP step) and the timings of the probe's first dns, connect and tls.
     */
    final class StageTracker extends EventListener {
        volatile Stage stage = Stage.START;
        private long dnsStart;
        private long connectStart;
        private long tlsStart;

        @Override
        public void dnsStart(Call call, String domainName) {
            stage = Stage.DNS;
            dnsStart = System.nanoTime();
        }

        @Override
        public void dnsEnd(Call call, String domainName, List<InetAddress> addresses) {
            if (!rec.hasTiming(Phase.DNS)) {
                rec.network(Phase.DNS, dnsStart, System.nanoTime());
            }
        }

        @Override
        public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
            stage = Stage.CONNECT;
            connectStart = System.nanoTime();
        }

        @Override
        public void secureConnectStart(Call call) {
            long now = System.nanoTime();
            if (!rec.hasTiming(Phase.CONNECT)) {
                rec.network(Phase.CONNECT, connectStart, now);
            }
            stage = Stage.TLS;
            tlsStart = now;
        }

        @Override
        public void secureConnectEnd(Call call, Handshake handshake) {
            if (!rec.hasTiming(Phase.TLS)) {
                rec.network(Phase.TLS, tlsStart, System.nanoTime());
                rec.tls(tls.info(handshake));
            }
        }

        @Override
        public void connectEnd(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol) {
            if (!rec.hasTiming(Phase.CONNECT)) {
                rec.network(Phase.CONNECT, connectStart, System.nanoTime());
            }
            rec.resolvedAddress(address.getAddress().getHostAddress() + ":" + address.getPort());
            stage = Stage.REQUEST;
        }

        @Override
        public void connectFailed(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol, IOException ioe) {
            rec.resolvedAddress(address.getAddress().getHostAddress() + ":" + address.getPort());
        }

        @Override
        public void connectionAcquired(Call call, Connection connection) {
            stage = Stage.REQUEST;
        }
    }

    /**
     * Headers every request of this probe carries: the configured ones, then the step's own. The
     * configured ones (credentials) go only to the monitored origin: once a redirect has moved the
     * endpoint to another origin, later steps are sent there directly, and must not take them along.
     */
    Request.Builder request(HttpUrl url, Map<String, String> stepHeaders) {
        Request.Builder b = new Request.Builder().url(url);
        if (sameOrigin(home, url)) {
            spec.headers().forEach(b::header);
        }
        stepHeaders.forEach(b::header);
        b.header("User-Agent", Prober.USER_AGENT);
        return b;
    }
}
