package dev.mcpwatch.cli;

import dev.mcpwatch.auth.AuthService;
import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.web.Fmt;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcpwatch token create|list|revoke}: API tokens from a shell (also on the dashboard's Settings page). */
@Command(name = "token", description = "Manage API tokens (Authorization: Bearer … for /api).", mixinStandardHelpOptions = true,
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
    @Spec
    CommandSpec command;

    @Override
    public void run() {
        command.commandLine().usage(command.commandLine().getOut());
    }

    static AuthService auth(Database db) {
        return new AuthService(db, () -> WebSettings.DEFAULT, InstantSource.system());
    }

    @Command(name = "create", description = "Create a token and print it (the only time it is shown).", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec command;

        @Mixin
        Storage storage;

        @Parameters(paramLabel = "NAME", description = "What will use the token, e.g. 'deploy pipeline'.")
        String name;

        @Option(names = "--read-only", description = "The token may read (through /api and /mcp) but change nothing.")
        boolean readOnly;

        @Override
        public Integer call() throws Exception {
            try (Database db = storage.open()) {
                command.commandLine().getOut().println(auth(db).createToken(name, "cli", readOnly));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List tokens (never their values).", mixinStandardHelpOptions = true)
    static final class ListTokens implements Callable<Integer> {
        @Spec
        CommandSpec command;

        @Mixin
        Storage storage;

        @Override
        public Integer call() throws Exception {
            try (Database db = storage.open()) {
                for (var t : auth(db).tokens()) {
                    command.commandLine().getOut().printf("%d\t%s\t%s…\tcreated %s\tlast used %s\t%s%n", t.id(), t.name(), t.hint(),
                            Fmt.time(t.createdAt()), Fmt.time(t.lastUsedAt()), t.revokedAt() == null ? (t.readOnly() ? "live, read-only" : "live") : "revoked");
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a token by its id (from list).", mixinStandardHelpOptions = true)
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec command;

        @Mixin
        Storage storage;

        @Parameters(paramLabel = "ID")
        long id;

        @Override
        public Integer call() throws Exception {
            try (Database db = storage.open()) {
                if (!auth(db).revokeToken(id)) {
                    command.commandLine().getErr().println("mcpwatch: no live token " + id);
                    return ExitCodes.USAGE;
                }
            }
            command.commandLine().getOut().println("Token " + id + " revoked.");
            return 0;
        }
    }
}
