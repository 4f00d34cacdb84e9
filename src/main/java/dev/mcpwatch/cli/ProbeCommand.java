package dev.mcpwatch.cli;

import dev.mcpwatch.config.ConfigException;
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
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.OAuthGrantStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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

    @Mixin
    ProbeOptions options;

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
        if (stdio) {
            if (target.isEmpty()) {
                throw new IllegalArgumentException("--stdio needs a command after --, e.g. mcpwatch probe --stdio -- node server.js");
            }
            ProbeSpec.Builder b = ProbeSpec.stdio(target).env(stdioEnv).workingDirectory(cwd);
            options.apply(b);
            return b.build();
        }
        if (target.size() != 1) {
            throw new IllegalArgumentException(target.isEmpty() ? "missing URL (or --stdio -- CMD)" : "expected one URL, got " + target.size() + " arguments");
        }
        return options.http(target.getFirst());
    }

    /** The spec of one configured monitor; the other probe options would contradict it, so they are refused. */
    private ProbeSpec configuredSpec() {
        if (monitor == null || config == null) {
            throw new IllegalArgumentException("--monitor ID and --config FILE go together");
        }
        if (!target.isEmpty() || stdio || options.shapesTheProbe()) {
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
        return spec.toBuilder().timeouts(options.timeouts(spec.timeouts())).build();
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
}
