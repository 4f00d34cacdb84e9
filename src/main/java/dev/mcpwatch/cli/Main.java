package dev.mcpwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The {@code mcpwatch} command line: one entry point, one subcommand per job. */
@Command(name = "mcpwatch",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Uptime and reliability monitor for MCP servers.",
        subcommands = {ProbeCommand.class, ServeCommand.class, ConfigCommand.class, DriftCommand.class, AckCommand.class, PostmortemCommand.class,
                AlertCommand.class, ReportCommand.class, UserCommand.class, TokenCommand.class, AuthCommand.class, CanaryCommand.class, DbCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Log the libraries' INFO lines (database migrations, pools, the web server) and mcpwatch's DEBUG lines.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (also used by tests, in-process). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("mcpwatch: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        cli.setExecutionStrategy(parsed -> {
            configureLogging(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        return cli.execute(args);
    }

    /** Before any command runs (and creates the first logger): serve tells its story at INFO, other commands stay quiet. */
    private static void configureLogging(ParseResult parsed) {
        boolean serve = false;
        boolean verbose = false;
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            serve |= p.commandSpec().name().equals("serve");
            verbose |= p.hasMatchedOption("--verbose");
        }
        Logging.configure(serve, verbose);
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
