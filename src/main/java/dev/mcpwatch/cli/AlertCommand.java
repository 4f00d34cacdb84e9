package dev.mcpwatch.cli;

import dev.mcpwatch.alert.Alerting;
import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcpwatch alert test CHANNEL}: sends a test message to a channel. */
@Command(name = "alert", description = "Work with alert channels.", mixinStandardHelpOptions = true,
        subcommands = {AlertCommand.Test.class})
final class AlertCommand implements Runnable {
    @Spec
    CommandSpec command;

    @Override
    public void run() {
        command.commandLine().usage(command.commandLine().getOut());
    }

    @Command(name = "test",
            description = {
                "Send a test message to a channel and report how the receiver answered.",
                "By default it is sent from this machine, straight from the configuration file (--config, else",
                "./mcpwatch.yaml), with the secrets of this shell's environment: no server needed.",
                "With --server URL it is sent by that running mcpwatch serve, with its configuration and secrets.",
                "Exit codes: 0 delivered, 1 configuration or usage problem, 2 not delivered or server unreachable."
            },
            mixinStandardHelpOptions = true)
    static final class Test implements Callable<Integer> {
        @Spec
        CommandSpec command;

        @Parameters(paramLabel = "CHANNEL", description = "The channel's name in alerting.channels.")
        String channel;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE|DIR", description = "Configuration file or folder.")
        Path config;

        @Option(names = "--server", paramLabel = "URL", description = "Send through this running mcpwatch instead.")
        String server;

        @Option(names = "--token", paramLabel = "TOKEN", description = "With --server: an API token (default: $MCPWATCH_TOKEN).")
        String token;

        @Override
        public Integer call() throws InterruptedException {
            return server != null ? throughServer() : direct();
        }

        private int direct() {
            var err = command.commandLine().getErr();
            Path source = config != null ? config : ServeCommand.DEFAULT_CONFIG;
            if (!Files.exists(source)) {
                err.println("mcpwatch: no configuration at " + source + " (pass --config FILE, or --server URL to use a running server)");
                return ExitCodes.USAGE;
            }
            McpwatchConfig loaded;
            try {
                loaded = ConfigLoader.fromSystemEnvironment().load(source);
            } catch (ConfigException e) {
                err.println(source + ": " + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + ":");
                for (Problem p : e.problems()) {
                    err.println("  " + p);
                }
                return ExitCodes.USAGE;
            }
            String base = loaded.server().publicUrl() != null ? loaded.server().publicUrl()
                    : "http://" + loaded.server().host() + ":" + loaded.server().port();
            Alerting.TestOutcome t;
            try {
                t = Alerting.test(loaded.alerting(), channel, base, InstantSource.system());
            } catch (NoSuchElementException | IllegalArgumentException e) {
                err.println("mcpwatch: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            return report(t.type(), t.result().delivered(), t.result().responseCode(), t.result().error(), t.latencyMs());
        }

        private int throughServer() throws InterruptedException {
            ServerClient client = new ServerClient(server, token);
            ServerClient.Answer a;
            try {
                a = client.post("/api/alerting/channels/" + channel + "/test", "", Duration.ofMinutes(6));
            } catch (ConnectException e) {
                command.commandLine().getErr().println("mcpwatch: no mcpwatch server answers at " + client.base());
                return 2;
            } catch (IOException | IllegalArgumentException e) {
                command.commandLine().getErr().println("mcpwatch: cannot reach " + client.base() + ": " + e.getMessage());
                return 2;
            }
            if (a.json() == null || (a.status() != 200 && a.status() != 502)) {
                command.commandLine().getErr().println("mcpwatch: " + a.error());
                return ExitCodes.USAGE;
            }
            var j = a.json();
            return report(j.path("type").asString(""), "delivered".equals(j.path("outcome").asString("")),
                    j.path("responseCode").isNumber() ? j.path("responseCode").asInt() : null, j.path("error").asString(null),
                    j.path("latencyMs").asLong());
        }

        private int report(String type, boolean delivered, Integer code, String error, long latencyMs) {
            String answer = code == null ? "" : ", answer " + code;
            if (delivered) {
                command.commandLine().getOut().println("test message delivered to " + channel + " (" + type + ") in " + latencyMs + " ms" + answer);
                return 0;
            }
            command.commandLine().getErr().println("test message NOT delivered to " + channel + " (" + type + ") after " + latencyMs + " ms"
                    + answer + ": " + error);
            return 2;
        }
    }
}
