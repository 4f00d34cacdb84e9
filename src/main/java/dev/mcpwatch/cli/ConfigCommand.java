package dev.mcpwatch.cli;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.ConfigSchema;
import dev.mcpwatch.configfile.McpwatchConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mcpwatch config check FILE}: the checks {@code serve} makes, offline; {@code mcpwatch config
 * schema}: the JSON Schema those checks start with, for editors.
 */
@Command(name = "config", description = "Work with configuration files.", mixinStandardHelpOptions = true,
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Schema.class})
final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec command;

    @Override
    public void run() {
        command.commandLine().usage(command.commandLine().getOut());
    }

    @Command(name = "check", description = "Check a configuration file or folder the way serve would; exit 1 when it has problems.",
            mixinStandardHelpOptions = true)
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec command;

        @Parameters(paramLabel = "FILE|DIR", description = "The configuration to check.")
        Path source;

        @Override
        public Integer call() {
            try {
                McpwatchConfig config = ConfigLoader.fromSystemEnvironment().load(source);
                command.commandLine().getOut().println(source + ": OK, " + config.monitors().size() + " monitor"
                        + (config.monitors().size() == 1 ? "" : "s") + ", storage " + config.storage().url());
                AlertingSummary.print(config.alerting(), command.commandLine().getOut());
                if (!config.slos().isEmpty()) {
                    command.commandLine().getOut().println("  slos: " + config.slos().stream().map(s -> s.id() + " (" + s.subject() + ", "
                            + String.format(java.util.Locale.ROOT, "%.3f%%", s.target() * 100) + " " + s.objective().wireName() + ", "
                            + s.alerts().size() + " burn-rate alerts)").collect(java.util.stream.Collectors.joining(", ")));
                }
                return 0;
            } catch (ConfigException e) {
                var err = command.commandLine().getErr();
                err.println(source + ": " + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + ":");
                for (Problem p : e.problems()) {
                    err.println("  " + p);
                }
                return ExitCodes.USAGE;
            }
        }
    }

    @Command(name = "schema", description = "Print the configuration's JSON Schema (draft 2020-12); schema/mcpwatch.schema.json is this output.",
            mixinStandardHelpOptions = true)
    static final class Schema implements Runnable {
        @Spec
        CommandSpec command;

        @Override
        public void run() {
            command.commandLine().getOut().print(ConfigSchema.text());
            command.commandLine().getOut().flush();
        }
    }
}
