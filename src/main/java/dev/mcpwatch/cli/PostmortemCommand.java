package dev.mcpwatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcpwatch postmortem INCIDENT}: prints an incident's postmortem (the saved one, else the draft) or writes it to a file. */
@Command(name = "postmortem",
        description = {
            "Print an incident's postmortem as Markdown, or write it to a file.",
            "The saved one, else a draft written from the incident's record (the runbook guide's template and the",
            "five-bullet short form). Talks to the running mcpwatch serve through its API: --server, else",
            "$MCPWATCH_SERVER, else " + ServerClient.DEFAULT + ".",
            "Exit codes: 0 printed or written, 1 no such incident or a usage error, 2 server unreachable."
        },
        mixinStandardHelpOptions = true)
final class PostmortemCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "INCIDENT", description = "The incident id (see /api/incidents).")
    long incident;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the Markdown to FILE instead of printing it.")
    Path output;

    @Option(names = "--json", description = "Print the API's JSON (status, version, history, short form) instead of the Markdown.")
    boolean json;

    @Option(names = "--server", paramLabel = "URL", description = "The mcpwatch API, e.g. http://127.0.0.1:8080.")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "An API token (default: $MCPWATCH_TOKEN).")
    String token;

    @Override
    public Integer call() throws InterruptedException {
        ServerClient client = new ServerClient(server, token);
        ServerClient.Answer a = client.answer(c -> c.get("/api/incidents/" + incident + "/postmortem?format=json", Duration.ofSeconds(30)),
                command.commandLine().getErr());
        if (a == null) {
            return 2;
        }
        if (a.status() != 200) {
            command.commandLine().getErr().println("mcpwatch: " + a.error());
            return ExitCodes.USAGE;
        }
        String text = json ? a.json().toPrettyString() + "\n" : a.json().path("markdown").asString();
        if (output == null) {
            command.commandLine().getOut().print(text);
            command.commandLine().getOut().flush();
            return 0;
        }
        try {
            Files.writeString(output, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            command.commandLine().getErr().println("mcpwatch: cannot write " + output + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        command.commandLine().getErr().println("postmortem of incident " + incident + " (" + a.json().path("status").asString()
                + ") written to " + output);
        return 0;
    }
}
