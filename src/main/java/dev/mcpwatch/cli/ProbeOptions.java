package dev.mcpwatch.cli;

import dev.mcpwatch.config.Durations;
import dev.mcpwatch.config.EnvSubstitution;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * How to probe a server, as {@code probe} and {@code canary} both take it: transport, protocol,
 * headers and credentials, deadlines, what to expect and which health call to make. One place, so
 * that a canary gate probes exactly as {@code mcpwatch probe} does.
 */
final class ProbeOptions {

    @Option(names = {"-t", "--transport"}, paramLabel = "NAME", description = "streamable-http (default) or sse.")
    String transport = "streamable-http";

    @Option(names = "--protocol", paramLabel = "REVISION",
            description = "Pin a protocol revision (e.g. 2025-11-25, 2026-07-28). Default: detect the era.")
    String revision;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
            description = "Send a header. $${VAR} in the value is read from the environment; values are never printed.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--bearer-env", paramLabel = "VAR", description = "Send 'Authorization: Bearer' with the token in environment variable VAR.")
    String bearerEnv;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Deadline for the whole probe (default 30s).")
    Duration timeout;

    @Option(names = "--initialize-timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Deadline for initialize or server/discover (default 10s).")
    Duration initializeTimeout;

    @Option(names = "--call", paramLabel = "TOOL", description = "Call this (read-only) tool after listing tools.")
    String callTool;

    @Option(names = "--args", paramLabel = "JSON", description = "Arguments for --call, as a JSON object.")
    String callArgs;

    @Option(names = "--expect", paramLabel = "TEXT", description = "The tool result must contain TEXT.")
    String expect;

    @Option(names = "--min-tools", paramLabel = "N", description = "Fail unless at least N tools are listed (default 1).")
    Integer minTools;

    @Option(names = "--require-tool", paramLabel = "NAME", description = "Fail unless this tool is listed (repeatable).")
    List<String> requiredTools = new ArrayList<>();

    @Option(names = "--ca", paramLabel = "PEM", description = "Also trust the CA certificates in this PEM file.")
    Path caFile;

    @Option(names = "--allow-insecure-redirect",
            description = "Follow a redirect from https to cleartext http (with a warning) instead of failing with insecure_redirect.")
    boolean allowInsecureRedirect;

    /** Whether any option that shapes the probe itself was given (a configured monitor brings its own). */
    boolean shapesTheProbe() {
        return callTool != null || !headers.isEmpty() || bearerEnv != null || revision != null || minTools != null
                || !requiredTools.isEmpty() || caFile != null;
    }

    /** A spec for an HTTP URL with these options. */
    ProbeSpec http(String url) {
        ProbeSpec.Builder b = ProbeSpec.http(url).transport(dev.mcpwatch.probe.Transport.fromWireName(transport));
        apply(b);
        return b.build();
    }

    /** Applies these options to a spec being built (for stdio too, where the transport is fixed). */
    void apply(ProbeSpec.Builder b) {
        b.revision(revision);
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header '" + h.split("[:=]")[0] + "…' must look like 'Name: value'");
            }
            b.header(h.substring(0, colon).strip(), EnvSubstitution.apply(h.substring(colon + 1).strip(), System.getenv()));
        }
        if (bearerEnv != null) {
            String token = System.getenv(bearerEnv);
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("environment variable " + bearerEnv + " (--bearer-env) is not set");
            }
            b.header("Authorization", "Bearer " + token);
        }
        b.timeouts(timeouts(ProbeSpec.Timeouts.DEFAULT));
        b.expect(new ProbeSpec.Expectations(minTools == null ? 1 : minTools, Set.copyOf(requiredTools)));
        if (callTool != null) {
            b.toolCall(new ProbeSpec.ToolCall(callTool, parseArgs(), expect));
        } else if (callArgs != null || expect != null) {
            throw new IllegalArgumentException("--args and --expect need --call TOOL");
        }
        if (caFile != null) {
            readCertificates(caFile).forEach(b::trust);
        }
        b.allowInsecureRedirect(allowInsecureRedirect);
    }

    /** The deadlines these options set, over {@code base} (a configured monitor's, or the defaults). */
    ProbeSpec.Timeouts timeouts(ProbeSpec.Timeouts base) {
        ProbeSpec.Timeouts t = timeout == null ? base : ProbeSpec.Timeouts.withTotal(timeout);
        if (initializeTimeout != null) {
            t = new ProbeSpec.Timeouts(t.connect(), initializeTimeout, t.step(), t.total());
        }
        return t;
    }

    private JsonNode parseArgs() {
        if (callArgs == null) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(callArgs);
            if (!node.isObject()) {
                throw new IllegalArgumentException("--args must be a JSON object, e.g. '{\"city\":\"Paris\"}'");
            }
            return node;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("--args is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static List<X509Certificate> readCertificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificates in " + pem);
            }
            return certs;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + pem + ": " + e.getMessage());
        } catch (CertificateException e) {
            throw new IllegalArgumentException(pem + " is not a PEM certificate file: " + e.getMessage());
        }
    }
}
