package dev.mcpwatch.cli;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.Durations;
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
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcpwatch auth login MONITOR}: the one-time user login for a server that only lets people in. */
@Command(name = "auth", description = "OAuth logins for monitors of servers that only allow user login.", mixinStandardHelpOptions = true,
        subcommands = {AuthCommand.Login.class})
final class AuthCommand implements Runnable {
    @Spec
    CommandSpec command;

    @Override
    public void run() {
        command.commandLine().usage(command.commandLine().getOut());
    }

    @Command(name = "login", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Log in once for a monitor whose auth grant is authorization_code.",
                "",
                "Probes the monitor; when its server asks for authorization, opens the login in a browser ($BROWSER, else the "
                        + "URL is printed), receives the redirect on 127.0.0.1 (PKCE) and keeps the refresh token in the database, "
                        + "encrypted with MCPWATCH_OAUTH_KEY. serve then renews the access token by itself for as long as the "
                        + "authorization server allows.",
                "",
                "Exit codes as for probe: 0 logged in and healthy, 1 usage error, 2 protocol or tool failure, 3 not authorized."})
    static final class Login implements Callable<Integer> {
        @Spec
        CommandSpec command;

        @Parameters(paramLabel = "MONITOR", description = "The id of the monitor to log in for.")
        String monitor;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE|DIR", description = "The configuration (default ./mcpwatch.yaml).")
        Path config;

        @Option(names = "--port", paramLabel = "PORT", description = "Port on 127.0.0.1 for the login redirect (default: any free port; "
                + "give one when the client is registered with a fixed redirect URI).")
        int port;

        @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.Converter.class,
                description = "How long to wait for the login (default 5m).")
        Duration timeout = Duration.ofMinutes(5);

        @Option(names = "--json", description = "Print the probe's result as JSON instead of the waterfall.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = command.commandLine().getOut();
            PrintWriter err = command.commandLine().getErr();
            Path source = config != null ? config : ServeCommand.DEFAULT_CONFIG;
            McpwatchConfig loaded;
            try {
                loaded = ConfigLoader.fromSystemEnvironment().load(source);
            } catch (ConfigException e) {
                err.println("mcpwatch: cannot load " + source + ":\n" + e.getMessage());
                return ExitCodes.USAGE;
            }
            MonitorConfig m = loaded.monitors().stream().filter(x -> x.id().equals(monitor)).findFirst().orElse(null);
            if (m == null) {
                err.println("mcpwatch: no monitor '" + monitor + "' in " + source);
                return ExitCodes.USAGE;
            }
            if (m.oauth() == null || m.oauth().isUnattended()) {
                err.println("mcpwatch: monitor '" + monitor + "' has " + (m.oauth() == null ? "no auth block" : "grant " + m.oauth().grant())
                        + "; only auth.grant authorization_code needs a login (probe it with: mcpwatch probe --config " + source
                        + " --monitor " + monitor + ")");
                return ExitCodes.USAGE;
            }
            String key = System.getenv("MCPWATCH_OAUTH_KEY");
            try (Database db = Database.open(loaded.storage())) {
                GrantStore grants = GrantStore.open(new OAuthGrantStore(db), key);
                PrintStream prompts = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                        java.nio.charset.StandardCharsets.UTF_8);
                OAuthClients clients = OAuthClients.interactive(InstantSource.system(), grants, System.getenv(), prompts, port, timeout);
                ProbeSpec spec = m.toProbeSpec(clients);
                // The person's login happens inside the probe's first step: every deadline waits for it.
                spec = spec.toBuilder().timeouts(new ProbeSpec.Timeouts(spec.timeouts().connect(), timeout, timeout, timeout.plus(
                        spec.timeouts().total()))).build();
                ProbeResult result = new Prober().probe(spec);
                out.print(json ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n" : Waterfall.render(result));
                if (result.healthy()) {
                    out.println("Logged in for monitor '" + monitor + "': mcpwatch keeps the refresh token, encrypted, in its database "
                            + "and renews the access token by itself; run this again when the server stops accepting it.");
                }
                out.flush();
                return ExitCodes.of(result);
            } catch (OAuthException e) {
                err.println("mcpwatch: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
    }
}
