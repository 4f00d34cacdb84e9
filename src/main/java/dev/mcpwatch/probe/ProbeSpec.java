package dev.mcpwatch.probe;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What to probe and how: the target, the transport, the protocol revision, credentials, deadlines,
 * size limits and what the server is expected to offer. Immutable; build one with {@link #http} or
 * {@link #stdio}.
 *
 * <p>Header values are the real values (environment variables already substituted); they are sent
 * to the server and never appear in a {@link ProbeResult}. An {@link Authorizer} obtains credentials
 * (OAuth) during the probe and keeps them between probes of its monitor.
 *
 * <p>Two settings serve canary analysis: {@code servedByHeader} names a response header whose value
 * each step records (which version behind a proxy answered it), and {@code checkOutputSchemas}
 * checks each health call's structured result against the tool's {@code outputSchema}. The check
 * runs the server's own schema (its patterns included), so it is made only when asked, for the
 * operator's own servers under comparison, not on every monitor's probe.
 */
public record ProbeSpec(
        URI url,
        Stdio stdio,
        Transport transport,
        String revision,
        Map<String, String> headers,
        Timeouts timeouts,
        Limits limits,
        Expectations expect,
        List<ToolCall> toolCalls,
        List<X509Certificate> trustedCertificates,
        Authorizer authorizer,
        boolean allowInsecureRedirect,
        String servedByHeader,
        boolean checkOutputSchemas) {

    public ProbeSpec {
        Objects.requireNonNull(transport, "transport");
        if (transport == Transport.STDIO) {
            Objects.requireNonNull(stdio, "stdio command");
        } else {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("url must be http:// or https://, got '" + Urls.redact(url.toString()) + "'");
            }
            if (url.getHost() == null || url.getHost().isEmpty()) {
                throw new IllegalArgumentException("url has no host: '" + Urls.redact(url.toString()) + "'");
            }
            if (url.getPort() == 0 || url.getPort() > 65535) {
                throw new IllegalArgumentException("url has port " + url.getPort() + "; a port is 1 to 65535: '"
                        + Urls.redact(url.toString()) + "'");
            }
        }
        if (revision != null && Era.ofRevision(revision) == null) {
            throw new IllegalArgumentException("unknown protocol revision '" + revision + "' (known: "
                    + String.join(", ", Era.MODERN_REVISIONS) + ", " + String.join(", ", Era.LEGACY_REVISIONS) + ")");
        }
        if (revision != null && Era.ofRevision(revision) == Era.MODERN && transport == Transport.SSE) {
            throw new IllegalArgumentException("the sse transport only speaks legacy revisions, not " + revision);
        }
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
        limits = limits == null ? Limits.DEFAULT : limits;
        expect = expect == null ? Expectations.DEFAULT : expect;
        toolCalls = List.copyOf(toolCalls == null ? List.of() : toolCalls);
        trustedCertificates = List.copyOf(trustedCertificates == null ? List.of() : trustedCertificates);
        if (servedByHeader != null && !servedByHeader.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw new IllegalArgumentException("'" + Text.printable(servedByHeader, 60) + "' is not an HTTP header name");
        }
    }

    /** The spec with at most one health-check call, as it was before several could be configured. */
    public ProbeSpec(URI url, Stdio stdio, Transport transport, String revision, Map<String, String> headers, Timeouts timeouts,
            Limits limits, Expectations expect, ToolCall toolCall, List<X509Certificate> trustedCertificates) {
        this(url, stdio, transport, revision, headers, timeouts, limits, expect, toolCall == null ? List.of() : List.of(toolCall),
                trustedCertificates, null, false, null, false);
    }

    /** The spec without credentials of its own (configured headers only). */
    public ProbeSpec(URI url, Stdio stdio, Transport transport, String revision, Map<String, String> headers, Timeouts timeouts,
            Limits limits, Expectations expect, List<ToolCall> toolCalls, List<X509Certificate> trustedCertificates) {
        this(url, stdio, transport, revision, headers, timeouts, limits, expect, toolCalls, trustedCertificates, null, false, null, false);
    }

    /** The first (with one configured, the only) health-check call, or null. */
    public ToolCall toolCall() {
        return toolCalls.isEmpty() ? null : toolCalls.getFirst();
    }

    public static Builder http(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed url '" + url + "': " + e.getMessage(), e);
        }
        return new Builder(uri, null, Transport.STREAMABLE_HTTP);
    }

    public static Builder stdio(List<String> command) {
        return new Builder(null, new Stdio(command, Map.of(), null), Transport.STDIO);
    }

    /** The protocol era this spec pins, or null for automatic detection. */
    public Era pinnedEra() {
        return revision == null ? null : Era.ofRevision(revision);
    }

    /**
     * A short name of the target for messages and results: the URL without user info and query
     * values (they may carry a token), or the command.
     */
    public String target() {
        return transport == Transport.STDIO ? String.join(" ", stdio.command()) : Urls.redact(url.toString());
    }

    public Builder toBuilder() {
        Builder b = new Builder(url, stdio, transport);
        b.revision = revision;
        b.headers.putAll(headers);
        b.timeouts = timeouts;
        b.limits = limits;
        b.expect = expect;
        b.toolCalls = toolCalls;
        b.trusted.addAll(trustedCertificates);
        b.authorizer = authorizer;
        b.allowInsecureRedirect = allowInsecureRedirect;
        b.servedByHeader = servedByHeader;
        b.checkOutputSchemas = checkOutputSchemas;
        return b;
    }

    /** A command to spawn for the stdio transport. */
    public record Stdio(List<String> command, Map<String, String> env, String workingDirectory) {
        public Stdio {
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("stdio command is empty");
            }
            env = Map.copyOf(env == null ? Map.of() : env);
        }
    }

    /**
     * Deadlines. {@code initialize} bounds the first MCP step (initialize or server/discover),
     * {@code step} every later one, {@code total} the whole probe including the network phases.
     */
    public record Timeouts(Duration connect, Duration initialize, Duration step, Duration total) {
        public static final Timeouts DEFAULT = new Timeouts(
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30));

        public Timeouts {
            for (Duration d : List.of(connect, initialize, step, total)) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("timeouts must be positive");
                }
            }
        }

        /** Scale every deadline down so none exceeds {@code total}. */
        public static Timeouts withTotal(Duration total) {
            return new Timeouts(min(DEFAULT.connect, total), min(DEFAULT.initialize, total), min(DEFAULT.step, total), total);
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }

    /**
     * Bounds that keep a hostile or broken server from hurting the monitor. Tools are bounded across
     * all pages of a tool list: their number, and the size of their definitions as kept (compact JSON).
     */
    public record Limits(long maxResponseBytes, int maxSseEvents, int maxPages, int maxRedirects, int maxTools, long maxToolBytes) {
        public static final Limits DEFAULT = new Limits(4L * 1024 * 1024, 1_000, 20, 5, 1_000, 1024 * 1024);

        public Limits {
            if (maxResponseBytes < 1024 || maxSseEvents < 1 || maxPages < 1 || maxRedirects < 0 || maxTools < 1 || maxToolBytes < 1024) {
                throw new IllegalArgumentException("limits out of range: " + maxResponseBytes + " bytes, "
                        + maxSseEvents + " events, " + maxPages + " pages, " + maxRedirects + " redirects, " + maxTools + " tools, "
                        + maxToolBytes + " bytes of tools");
            }
        }

        /** With the default bounds on tools. */
        public Limits(long maxResponseBytes, int maxSseEvents, int maxPages, int maxRedirects) {
            this(maxResponseBytes, maxSseEvents, maxPages, maxRedirects, DEFAULT.maxTools(), DEFAULT.maxToolBytes());
        }
    }

    /** What the server must offer for the probe to count as healthy. */
    public record Expectations(int minTools, Set<String> requiredTools) {
        /** By default a server must list at least one tool: an empty list is an outage (P1). */
        public static final Expectations DEFAULT = new Expectations(1, Set.of());

        public Expectations {
            if (minTools < 0) {
                throw new IllegalArgumentException("minTools must be >= 0, got " + minTools);
            }
            requiredTools = Set.copyOf(requiredTools == null ? Set.of() : requiredTools);
        }
    }

    /**
     * A read-only tool to call on every probe, with its arguments and an optional assertion: the text
     * of the result (text content and structured content) must contain {@code expectContains}. With
     * several calls the probe fails only when every one of them fails; when some fail and others
     * succeed the server is up but degraded, which the per-call outcomes in the result show.
     * {@code inputResponses} are canned answers, keyed like the server's {@code inputRequests}, for a
     * modern tool that answers {@code input_required} (2026-07-28 multi-round tool results).
     */
    public record ToolCall(String name, JsonNode arguments, String expectContains, JsonNode inputResponses) {
        public ToolCall {
            Objects.requireNonNull(name, "tool name");
            if (arguments != null && !arguments.isObject()) {
                throw new IllegalArgumentException("tool arguments must be a JSON object");
            }
            if (inputResponses != null && !inputResponses.isObject()) {
                throw new IllegalArgumentException("input responses must be a JSON object keyed by input request");
            }
        }

        public ToolCall(String name, JsonNode arguments, String expectContains) {
            this(name, arguments, expectContains, null);
        }
    }

    public static final class Builder {
        private URI url;
        private Stdio stdio;
        private Transport transport;
        private String revision;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Timeouts timeouts;
        private Limits limits;
        private Expectations expect;
        private List<ToolCall> toolCalls = List.of();
        private final List<X509Certificate> trusted = new ArrayList<>();
        private Authorizer authorizer;
        private boolean allowInsecureRedirect;
        private String servedByHeader;
        private boolean checkOutputSchemas;

        private Builder(URI url, Stdio stdio, Transport transport) {
            this.url = url;
            this.stdio = stdio;
            this.transport = transport;
        }

        public Builder transport(Transport transport) {
            if ((transport == Transport.STDIO) != (this.transport == Transport.STDIO)) {
                throw new IllegalArgumentException("stdio needs a command, http transports a url");
            }
            this.transport = transport;
            return this;
        }

        public Builder revision(String revision) {
            this.revision = revision;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> env) {
            stdio = new Stdio(stdio.command(), env, stdio.workingDirectory());
            return this;
        }

        public Builder workingDirectory(String dir) {
            stdio = new Stdio(stdio.command(), stdio.env(), dir);
            return this;
        }

        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = timeouts;
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = limits;
            return this;
        }

        public Builder expect(Expectations expect) {
            this.expect = expect;
            return this;
        }

        public Builder minTools(int minTools) {
            Set<String> required = expect == null ? Set.of() : expect.requiredTools();
            this.expect = new Expectations(minTools, required);
            return this;
        }

        public Builder toolCall(ToolCall toolCall) {
            this.toolCalls = toolCall == null ? List.of() : List.of(toolCall);
            return this;
        }

        /** Several health-check calls, made in this order on every probe. */
        public Builder toolCalls(List<ToolCall> toolCalls) {
            this.toolCalls = List.copyOf(toolCalls);
            return this;
        }

        public Builder trust(X509Certificate certificate) {
            trusted.add(certificate);
            return this;
        }

        /** Credentials the probe obtains itself (OAuth), on HTTP transports. */
        public Builder authorizer(Authorizer authorizer) {
            this.authorizer = authorizer;
            return this;
        }

        /** Follow a redirect from https to cleartext http (with a warning) instead of failing with {@code insecure_redirect}. */
        public Builder allowInsecureRedirect(boolean allow) {
            this.allowInsecureRedirect = allow;
            return this;
        }

        /** Record the value of this response header on every step (canary analysis behind one URL: which version answered). */
        public Builder servedByHeader(String name) {
            this.servedByHeader = name;
            return this;
        }

        /** Check every health call's structured result against the tool's outputSchema (canary analysis). */
        public Builder checkOutputSchemas(boolean check) {
            this.checkOutputSchemas = check;
            return this;
        }

        public ProbeSpec build() {
            return new ProbeSpec(url, stdio, transport, revision, headers, timeouts, limits, expect, toolCalls, trusted, authorizer,
                    allowInsecureRedirect, servedByHeader, checkOutputSchemas);
        }
    }
}
