package dev.mcpwatch.cli;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.Durations;
import dev.mcpwatch.config.EnvSubstitution;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.oauth.GrantStore;
import dev.mcpwatch.oauth.OAuthClients;
import dev.mcpwatch.oauth.OAuthException;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.probe.Transport;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.OAuthGrantStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** {@code mcpwatch probe URL} and {@code mcpwatch probe --stdio -- CMD ARGS}: one probe, printed. */
@Command(name = "probe",
        description = {
            "Probe an MCP server once, the way an agent uses it, and print a phase waterfall and a verdict.",
            "",
            "Exit codes: 0 healthy, 1 usage error, 2 protocol or tool failure,",
            "3 auth required, 4 unreachable (dns, tcp, tls, timeout)."
        },
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Parameters(arity = "0..*", paramLabel = "URL | -- CMD ARGS",
            description = "The MCP endpoint URL, or with --stdio the command to run after --; none with --monitor.")
    List<String> target = new ArrayList<>();

    @Option(names = "--stdio", description = "Spawn the server command given after -- and talk over stdin/stdout.")
    boolean stdio;

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

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "Environment for the --stdio command (repeatable).")
    Map<String, String> stdioEnv = new LinkedHashMap<>();

    @Option(names = "--cwd", paramLabel = "DIR", description = "Working directory for the --stdio command.")
    String cwd;

    @Option(names = "--json", description = "Print the full result as JSON instead of the waterfall.")
    boolean json;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE|DIR",
            description = "With --monitor: the configuration the monitor is defined in.")
    Path config;

    @Option(names = {"-m", "--monitor"}, paramLabel = "ID",
            description = "Probe this monitor of --config as serve would (its headers, auth, health calls and timeouts).")
    String monitor;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        ProbeSpec spec;
        try {
            spec = spec();
        } catch (IllegalArgumentException e) {
            err.println("mcpwatch probe: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        ProbeResult result;
        try {
            result = new Prober().probe(spec);
        } finally {
            if (database != null) {
                database.close();
            }
        }
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } else {
            out.print(Waterfall.render(result));
        }
        out.flush();
        return ExitCodes.of(result);
    }

    ProbeSpec spec() {
        if (monitor != null || config != null) {
            return configuredSpec();
        }
        ProbeSpec.Builder b;
        if (stdio) {
            if (target.isEmpty()) {
                throw new IllegalArgumentException("--stdio needs a command after --, e.g. mcpwatch probe --stdio -- node server.js");
            }
            b = ProbeSpec.stdio(target).env(stdioEnv).workingDirectory(cwd);
        } else {
            if (target.size() != 1) {
                throw new IllegalArgumentException(target.isEmpty() ? "missing URL (or --stdio -- CMD)" : "expected one URL, got " + target.size() + " arguments");
            }
            b = ProbeSpec.http(target.getFirst()).transport(Transport.fromWireName(transport));
        }
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
        ProbeSpec.Timeouts t = timeout == null ? ProbeSpec.Timeouts.DEFAULT : ProbeSpec.Timeouts.withTotal(timeout);
        if (initializeTimeout != null) {
            t = new ProbeSpec.Timeouts(t.connect(), initializeTimeout, t.step(), t.total());
        }
        b.timeouts(t);
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
        return b.build();
    }

    /** The spec of one configured monitor; the other probe options would contradict it, so they are refused. */
    private ProbeSpec configuredSpec() {
        if (monitor == null || config == null) {
            throw new IllegalArgumentException("--monitor ID and --config FILE go together");
        }
        if (!target.isEmpty() || stdio || callTool != null || !headers.isEmpty() || bearerEnv != null || revision != null
                || minTools != null || !requiredTools.isEmpty() || caFile != null) {
            throw new IllegalArgumentException("--monitor probes the monitor as configured; give no URL and no other probe options");
        }
        McpwatchConfig loaded;
        try {
            loaded = ConfigLoader.fromSystemEnvironment().load(config);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("cannot load " + config + ":\n" + e.getMessage());
        }
        MonitorConfig m = loaded.monitors().stream().filter(x -> x.id().equals(monitor)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no monitor '" + monitor + "' in " + config + " (it has: "
                        + String.join(", ", loaded.monitors().stream().map(MonitorConfig::id).limit(20).toList()) + ")"));
        ProbeSpec spec = m.toProbeSpec(oauthClients(loaded, m));
        if (timeout != null || initializeTimeout != null) {
            ProbeSpec.Timeouts t = timeout == null ? spec.timeouts() : ProbeSpec.Timeouts.withTotal(timeout);
            if (initializeTimeout != null) {
                t = new ProbeSpec.Timeouts(t.connect(), initializeTimeout, t.step(), t.total());
            }
            spec = spec.toBuilder().timeouts(t).build();
        }
        return spec;
    }

    /** Open while a configured monitor with a user login is probed: its grant is in the database. */
    private Database database;

    /** OAuth for the monitor, as serve has it; the database only when the monitor renews a user's login. */
    private OAuthClients oauthClients(McpwatchConfig loaded, MonitorConfig m) {
        GrantStore grants = null;
        if (m.oauth() != null && !m.oauth().isUnattended() && System.getenv("MCPWATCH_OAUTH_KEY") != null) {
            database = Database.open(loaded.storage());
            try {
                grants = GrantStore.open(new OAuthGrantStore(database), System.getenv("MCPWATCH_OAUTH_KEY"));
            } catch (OAuthException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        return OAuthClients.unattended(InstantSource.system(), grants);
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
