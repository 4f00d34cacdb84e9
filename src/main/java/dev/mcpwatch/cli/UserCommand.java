package dev.mcpwatch.cli;

import dev.mcpwatch.auth.AuthService;
import dev.mcpwatch.auth.Passwords;
import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.store.Database;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcpwatch user set-password}: sets a dashboard password from a shell (the first one, or a forgotten one). */
@Command(name = "user", description = "Manage dashboard users.", mixinStandardHelpOptions = true, subcommands = {UserCommand.SetPassword.class})
final class UserCommand implements Runnable {
    @Spec
    CommandSpec command;

    @Override
    public void run() {
        command.commandLine().usage(command.commandLine().getOut());
    }

    @Command(name = "set-password", mixinStandardHelpOptions = true,
            description = {"Set a user's dashboard password (asked twice on the terminal, or one line on stdin with --password-stdin).",
                "Ends that user's sessions. Works while serve runs (same database)."})
    static final class SetPassword implements Callable<Integer> {
        @Spec
        CommandSpec command;

        @Mixin
        Storage storage;

        @Option(names = {"-u", "--user"}, defaultValue = AuthService.DEFAULT_USER, description = "User name (default: ${DEFAULT-VALUE}).")
        String user;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean stdin;

        @Override
        public Integer call() throws Exception {
            var err = command.commandLine().getErr();
            String password;
            Console console = System.console();
            if (stdin) {
                password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } else if (console == null || !console.isTerminal()) {
                // Without a terminal there is nobody to ask (and nothing would hide what is typed): say so, rather
                // than read an empty password and call it too short.
                err.println("mcpwatch: no terminal is attached to ask for the password; pipe it in with --password-stdin, e.g.");
                err.println("  printf '%s\\n' \"$PASSWORD\" | mcpwatch user set-password --password-stdin");
                return ExitCodes.USAGE;
            } else {
                char[] first = console.readPassword("New password for %s (at least %d characters): ", user, Passwords.MIN_LENGTH);
                char[] again = console.readPassword("Again: ");
                if (first == null || again == null || !new String(first).equals(new String(again))) {
                    err.println("mcpwatch: the two passwords differ; nothing changed");
                    return ExitCodes.USAGE;
                }
                password = new String(first);
            }
            String weakness = Passwords.weakness(password);
            if (weakness != null) {
                err.println("mcpwatch: " + weakness + "; nothing changed");
                return ExitCodes.USAGE;
            }
            try (Database db = storage.open()) {
                new AuthService(db, () -> WebSettings.DEFAULT, InstantSource.system()).setPassword(user, password);
            } catch (ConfigException e) {
                err.println("mcpwatch: cannot read the configuration: " + e.getMessage() + "\n  (or name the database with --db JDBC_URL)");
                return ExitCodes.USAGE;
            }
            command.commandLine().getOut().println("Password set for '" + user + "'; log in at /login.");
            return 0;
        }
    }
}
