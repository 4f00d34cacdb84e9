package dev.mcpwatch.cli;

import dev.mcpwatch.store.Database;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mcpwatch db rewrite}: database upkeep an operator runs by hand. */
@Command(name = "db", description = "Database upkeep.", mixinStandardHelpOptions = true, subcommands = {DbCommand.RewriteFile.class})
final class DbCommand implements Runnable {
    @Spec
    CommandSpec command;

    @Override
    public void run() {
        command.commandLine().usage(command.commandLine().getOut());
    }

    @Command(name = "rewrite", mixinStandardHelpOptions = true,
            description = {"Rewrite a SQLite file compactly (VACUUM) and make it give the pages retention frees back to the file system.",
                "Files made by mcpwatch since incremental vacuum already do the latter; older ones only reuse their free pages and",
                "keep their size. Blocks writes while it runs: stop serve first, or its probes wait in memory meanwhile.",
                "PostgreSQL needs nothing: autovacuum reuses the space."})
    static final class RewriteFile implements Callable<Integer> {
        @Spec
        CommandSpec command;

        @Mixin
        Storage storage;

        @Override
        public Integer call() throws Exception {
            var out = command.commandLine().getOut();
            try (Database db = storage.open()) {
                Database.Rewrite r = db.rewriteFile();
                if (r == null) {
                    out.println("nothing to do: PostgreSQL's autovacuum reuses the space retention frees");
                    return 0;
                }
                out.printf("rewrote %s: %s -> %s%s%n", db.url(), size(r.bytesBefore()), size(r.bytesAfter()),
                        r.wasIncremental() ? "" : "; retention now gives freed pages back to the file system (incremental auto_vacuum)");
            }
            return 0;
        }

        private static String size(long bytes) {
            return bytes < 1 << 20 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                    : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
    }
}
