package dev.mcpwatch.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code mcpwatch canary} is in the product's plan (a CI/CD gate that compares a canary with stable)
 * but not built yet. Until it is, it says so and fails, so that a deploy pipeline that calls it
 * stops instead of taking silence for a passing verdict. Hidden from the help for the same reason.
 */
@Command(name = "canary", hidden = true, description = "Not available yet.")
final class CanaryCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    /** Whatever a pipeline passes (--stable URL --canary URL …): nothing is compared either way. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        command.commandLine().getErr().println("mcpwatch canary: canary analysis is not available in this version of mcpwatch; "
                + "nothing was compared, so this is not a passing verdict.");
        return ExitCodes.USAGE;
    }
}
