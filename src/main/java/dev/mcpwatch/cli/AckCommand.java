package dev.mcpwatch.cli;

import dev.mcpwatch.probe.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mcpwatch ack INCIDENT}: acknowledges an incident through the running server's API. */
@Command(name = "ack",
        description = {
            "Acknowledge an incident: its escalation stops.",
            "The channels that take acknowledgements are told (PagerDuty, Opsgenie, Discord, Slack, Teams,",
            "webhooks). Talks to the running mcpwatch serve",
            "through its API: --server, else $MCPWATCH_SERVER, else " + ServerClient.DEFAULT + ".",
            "Exit codes: 0 acknowledged (or already), 1 no such incident, resolved, or a usage error, 2 server unreachable."
        },
        mixinStandardHelpOptions = true)
final class AckCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "INCIDENT", description = "The incident id (see /api/incidents).")
    long incident;

    @Option(names = "--server", paramLabel = "URL", description = "The mcpwatch API, e.g. http://127.0.0.1:8080.")
    String server;

    @Option(names = "--by", paramLabel = "NAME", description = "Who acknowledges (default: $USER).")
    String by;

    @Option(names = "--token", paramLabel = "TOKEN", description = "An API token (default: $MCPWATCH_TOKEN).")
    String token;

    @Override
    public Integer call() throws InterruptedException {
        ServerClient client = new ServerClient(server, token);
        String who = by != null ? by : System.getenv("USER");
        var body = Json.object().put("via", "cli");
        if (who != null) {
            body.put("by", who);
        }
        ServerClient.Answer a = client.answer(c -> c.post("/api/incidents/" + incident + "/ack", body.toString(), Duration.ofSeconds(30)),
                command.commandLine().getErr());
        if (a == null) {
            return 2;
        }
        if (a.status() != 200) {
            command.commandLine().getErr().println("mcpwatch: " + a.error());
            return ExitCodes.USAGE;
        }
        boolean already = "already_acknowledged".equals(a.json().path("outcome").asString(""));
        long at = a.json().path("acknowledgedAt").asLong(0);
        command.commandLine().getOut().println("incident " + incident + (already ? " was already acknowledged" : " acknowledged")
                + (at > 0 ? " at " + Instant.ofEpochMilli(at) : ""));
        return 0;
    }
}
