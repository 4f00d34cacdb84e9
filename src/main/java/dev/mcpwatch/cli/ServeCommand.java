package dev.mcpwatch.cli;

import dev.mcpwatch.App;
import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcpwatch serve}: probe every configured monitor on schedule, keep history, serve the API. */
@Command(name = "serve",
        description = {
            "Run the monitor: probe every monitor on schedule and serve the dashboard, status pages and API.",
            "Incidents open and resolve as monitors fail and recover, alerts go out, and history is kept",
            "(SQLite in ./data by default). Without --config, ./mcpwatch.yaml is used if it exists;",
            "otherwise mcpwatch starts with no monitors. Log lines go to stderr with ISO-8601 UTC times;",
            "--verbose adds the libraries' INFO lines."
        },
        mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
    static final Path DEFAULT_CONFIG = Path.of("mcpwatch.yaml");

    @Spec
    CommandSpec command;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE|DIR", description = "Configuration file, or a folder of .yaml files.")
    Path config;

    @Option(names = "--location", paramLabel = "NAME",
            description = "The location this node probes from (overrides server.location; default: default). "
                    + "Nodes of one location share its probes; each location probes every monitor that lists it, or lists none.")
    String location;

    @Override
    public Integer call() throws InterruptedException {
        if (location != null && ServerSettings.locationProblem(location) != null) {
            command.commandLine().getErr().println("mcpwatch serve: --location " + ServerSettings.locationProblem(location));
            return ExitCodes.USAGE;
        }
        Path source = config != null ? config : Files.exists(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null;
        McpwatchConfig loaded;
        if (source == null) {
            loaded = McpwatchConfig.empty();
            command.commandLine().getErr().println("mcpwatch: no --config and no ./mcpwatch.yaml: starting with no monitors "
                    + "(see examples/mcpwatch.yaml)");
        } else {
            try {
                loaded = ConfigLoader.fromSystemEnvironment().load(source);
            } catch (ConfigException e) {
                var err = command.commandLine().getErr();
                err.println("mcpwatch: the configuration has " + (e.problems().size() == 1 ? "a problem" : e.problems().size() + " problems")
                        + "; not starting:");
                for (Problem p : e.problems()) {
                    err.println("  " + p);
                }
                return ExitCodes.USAGE;
            }
        }
        if (location != null) {
            loaded = loaded.withServer(loaded.server().withLocation(location));
        }
        App app;
        try {
            app = App.start(loaded, source);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            command.commandLine().getErr().println("mcpwatch: cannot start: " + e.getMessage()
                    + (root != e ? " (" + root.getMessage() + ")" : ""));
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "mcpwatch-shutdown"));
        stopped.await();
        return 0;
    }
}
