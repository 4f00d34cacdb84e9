package dev.mcpwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mcpwatch} command line: one entry point, one subcommand per job. */
@Command(name = "mcpwatch",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Uptime and reliability monitor for MCP servers.",
        subcommands = {ProbeCommand.class, ServeCommand.class, ConfigCommand.class, DriftCommand.class, AckCommand.class,
                AlertCommand.class, UserCommand.class, TokenCommand.class, AuthCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (also used by tests, in-process). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("mcpwatch: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Run 'mcpwatch " + ex.getCommandLine().getCommandName() + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mcpwatch " + dev.mcpwatch.probe.Prober.VERSION};
        }
    }
}
