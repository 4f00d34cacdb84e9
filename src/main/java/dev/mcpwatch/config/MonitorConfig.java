package dev.mcpwatch.config;

import dev.mcpwatch.incident.Quorum;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.oauth.OAuthClients;
import dev.mcpwatch.oauth.OAuthSettings;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Transport;
import dev.mcpwatch.probe.Urls;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * One monitored MCP server, as configured (defaults already applied). Header and environment values
 * are secrets: they reach the probe and nothing else; {@link #toString} leaves them out, and so does
 * {@link OAuthSettings#toString} for the client secret and key of {@code oauth}.
 */
public record MonitorConfig(
        String id,
        String name,
        Transport transport,
        String url,
        List<String> command,
        Map<String, String> env,
        String cwd,
        String protocol,
        Map<String, String> headers,
        Duration interval,
        Duration timeout,
        Duration initializeTimeout,
        Duration retryInterval,
        int failureThreshold,
        int successThreshold,
        int minTools,
        List<String> requiredTools,
        ToolCallConfig call,
        List<String> tags,
        String runbookUrl,
        List<String> locations,
        List<X509Certificate> trustedCertificates,
        boolean paused,
        List<ToolCallConfig> calls,
        DetectionSettings detection,
        OAuthSettings oauth,
        boolean allowInsecureRedirect,
        RemediationSettings remediation,
        int quorum,
        Severity regionalSeverity) {

    public MonitorConfig {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        requiredTools = requiredTools == null ? List.of() : List.copyOf(requiredTools);
        tags = tags == null ? List.of() : List.copyOf(tags);
        locations = locations == null ? List.of() : List.copyOf(locations);
        trustedCertificates = trustedCertificates == null ? List.of() : List.copyOf(trustedCertificates);
        // expect.call is the one-call spelling of expect.calls: both land in calls, call is its first.
        calls = calls == null || calls.isEmpty() ? (call == null ? List.of() : List.of(call)) : List.copyOf(calls);
        call = calls.isEmpty() ? null : calls.getFirst();
        detection = detection == null ? DetectionSettings.DEFAULT : detection;
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1 location, got " + quorum);
        }
        regionalSeverity = regionalSeverity == null ? Quorum.REGIONAL_SEVERITY : regionalSeverity;
        if (regionalSeverity == Severity.P1) {
            throw new IllegalArgumentException("a regional degradation is never a P1 page; set quorum: 1 to page on any one location");
        }
    }

    /** A monitor confirmed down by the default quorum of locations ({@link Quorum#DEFAULT}). */
    public MonitorConfig(String id, String name, Transport transport, String url, List<String> command, Map<String, String> env,
            String cwd, String protocol, Map<String, String> headers, Duration interval, Duration timeout, Duration initializeTimeout,
            Duration retryInterval, int failureThreshold, int successThreshold, int minTools, List<String> requiredTools,
            ToolCallConfig call, List<String> tags, String runbookUrl, List<String> locations, List<X509Certificate> trustedCertificates,
            boolean paused, List<ToolCallConfig> calls, DetectionSettings detection, OAuthSettings oauth, boolean allowInsecureRedirect,
            RemediationSettings remediation) {
        this(id, name, transport, url, command, env, cwd, protocol, headers, interval, timeout, initializeTimeout, retryInterval,
                failureThreshold, successThreshold, minTools, requiredTools, call, tags, runbookUrl, locations, trustedCertificates, paused,
                calls, detection, oauth, allowInsecureRedirect, remediation, Quorum.DEFAULT, Quorum.REGIONAL_SEVERITY);
    }

    /** A monitor without automatic remediation. */
    public MonitorConfig(String id, String name, Transport transport, String url, List<String> command, Map<String, String> env,
            String cwd, String protocol, Map<String, String> headers, Duration interval, Duration timeout, Duration initializeTimeout,
            Duration retryInterval, int failureThreshold, int successThreshold, int minTools, List<String> requiredTools,
            ToolCallConfig call, List<String> tags, String runbookUrl, List<String> locations, List<X509Certificate> trustedCertificates,
            boolean paused, List<ToolCallConfig> calls, DetectionSettings detection, OAuthSettings oauth, boolean allowInsecureRedirect) {
        this(id, name, transport, url, command, env, cwd, protocol, headers, interval, timeout, initializeTimeout, retryInterval,
                failureThreshold, successThreshold, minTools, requiredTools, call, tags, runbookUrl, locations, trustedCertificates, paused,
                calls, detection, oauth, allowInsecureRedirect, null);
    }

    /** A monitor with at most one health-check call and the default detection thresholds. */
    public MonitorConfig(String id, String name, Transport transport, String url, List<String> command, Map<String, String> env,
            String cwd, String protocol, Map<String, String> headers, Duration interval, Duration timeout, Duration initializeTimeout,
            Duration retryInterval, int failureThreshold, int successThreshold, int minTools, List<String> requiredTools,
            ToolCallConfig call, List<String> tags, String runbookUrl, List<String> locations, List<X509Certificate> trustedCertificates,
            boolean paused) {
        this(id, name, transport, url, command, env, cwd, protocol, headers, interval, timeout, initializeTimeout, retryInterval,
                failureThreshold, successThreshold, minTools, requiredTools, call, tags, runbookUrl, locations, trustedCertificates, paused,
                null, null, null, false);
    }

    /** A monitor without OAuth (credentials, if any, in its headers). */
    public MonitorConfig(String id, String name, Transport transport, String url, List<String> command, Map<String, String> env,
            String cwd, String protocol, Map<String, String> headers, Duration interval, Duration timeout, Duration initializeTimeout,
            Duration retryInterval, int failureThreshold, int successThreshold, int minTools, List<String> requiredTools,
            ToolCallConfig call, List<String> tags, String runbookUrl, List<String> locations, List<X509Certificate> trustedCertificates,
            boolean paused, List<ToolCallConfig> calls, DetectionSettings detection) {
        this(id, name, transport, url, command, env, cwd, protocol, headers, interval, timeout, initializeTimeout, retryInterval,
                failureThreshold, successThreshold, minTools, requiredTools, call, tags, runbookUrl, locations, trustedCertificates, paused,
                calls, detection, null, false);
    }

    /**
     * A health-check tool call: a read-only tool, its arguments, text its result must contain, and
     * canned answers for a modern tool that asks for input (keyed like its inputRequests).
     */
    public record ToolCallConfig(String tool, JsonNode arguments, String contains, JsonNode inputResponses) {
        public ToolCallConfig(String tool, JsonNode arguments, String contains) {
            this(tool, arguments, contains, null);
        }
    }

    /**
     * What is probed, for people: the URL without user info and query values (either may carry a
     * token; the real URL is only used to probe), or the command line of a stdio server.
     */
    public String target() {
        return transport == Transport.STDIO ? String.join(" ", command) : Urls.redact(url);
    }

    /** The probe this monitor runs, with its OAuth client from {@code clients} when it has an auth block. */
    public ProbeSpec toProbeSpec(OAuthClients clients) {
        ProbeSpec spec = toProbeSpec();
        return oauth == null || clients == null ? spec : spec.toBuilder().authorizer(clients.forMonitor(id, oauth)).build();
    }

    /** The probe this monitor runs, without obtaining OAuth tokens (an auth-walled server then says so). */
    public ProbeSpec toProbeSpec() {
        ProbeSpec.Builder b = transport == Transport.STDIO
                ? ProbeSpec.stdio(command).env(env).workingDirectory(cwd)
                : ProbeSpec.http(url).transport(transport);
        b.revision(protocol);
        headers.forEach(b::header);
        Duration init = initializeTimeout.compareTo(timeout) <= 0 ? initializeTimeout : timeout;
        b.timeouts(new ProbeSpec.Timeouts(init, init, init, timeout));
        b.expect(new ProbeSpec.Expectations(minTools, Set.copyOf(requiredTools)));
        b.toolCalls(calls.stream().map(c -> new ProbeSpec.ToolCall(c.tool(), c.arguments(), c.contains(), c.inputResponses())).toList());
        trustedCertificates.forEach(b::trust);
        b.allowInsecureRedirect(allowInsecureRedirect);
        return b.build();
    }

    /** The same monitor with the secret values of headers and environment replaced, for display and storage. */
    public Map<String, String> redactedHeaders() {
        return redact(headers);
    }

    public Map<String, String> redactedEnv() {
        return redact(env);
    }

    private static Map<String, String> redact(Map<String, String> values) {
        Map<String, String> out = new java.util.TreeMap<>();
        values.keySet().forEach(k -> out.put(k, "(redacted)"));
        return out;
    }

    @Override
    public String toString() {
        return "MonitorConfig[id=" + id + ", name=" + name + ", transport=" + transport.wireName() + ", target=" + target()
                + ", headers=" + redactedHeaders().keySet() + ", interval=" + interval + "]";
    }
}
