package dev.mcpwatch.cli;

import dev.mcpwatch.probe.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mcpwatch drift show|ack MONITOR}: a monitor's schema drift, and accepting its current tool
 * list as the new baseline. Talks to the running server's API rather than to the database, so that
 * it works the same on SQLite and on a PostgreSQL cluster, and the server stays the only writer.
 */
@Command(name = "drift", description = "Show or acknowledge a monitor's schema drift (through the running server's API).",
        mixinStandardHelpOptions = true, subcommands = {DriftCommand.Show.class, DriftCommand.Ack.class})
final class DriftCommand implements Runnable {
    static final int DONE = 0;
    static final int REFUSED = 2;
    static final int UNREACHABLE = 4;

    @Spec
    CommandSpec command;

    @Override
    public void run() {
        command.commandLine().usage(command.commandLine().getOut());
    }

    /** Options both subcommands take. */
    abstract static class ApiCall implements Callable<Integer> {
        @Spec
        CommandSpec command;

        @Parameters(paramLabel = "MONITOR", description = "The monitor's id.")
        String monitor;

        @Option(names = {"--server", "--api"}, paramLabel = "URL",
                description = "The server's API (default: $MCPWATCH_SERVER, else " + ServerClient.DEFAULT + ").")
        String server;

        @Option(names = "--token", paramLabel = "TOKEN", description = "An API token (default: $MCPWATCH_TOKEN).")
        String token;

        /** The exit code when {@link #send} returned null. */
        int status = DONE;

        String path(String tail) {
            return "/api/monitors/" + URLEncoder.encode(monitor, StandardCharsets.UTF_8).replace("+", "%20") + tail;
        }

        /** GETs ({@code body} null) or POSTs; prints the API's refusal or the connection problem and returns null then. */
        JsonNode send(String path, String body) {
            PrintWriter err = command.commandLine().getErr();
            ServerClient client = new ServerClient(server, token);
            ServerClient.Answer answer;
            try {
                answer = body == null ? client.get(path, Duration.ofSeconds(30)) : client.post(path, body, Duration.ofSeconds(30));
            } catch (IOException | IllegalArgumentException e) {
                err.println("mcpwatch: cannot reach the mcpwatch API at " + client.base() + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()) + " (is `mcpwatch serve` running? see --server)");
                status = UNREACHABLE;
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = UNREACHABLE;
                return null;
            }
            if (answer.status() / 100 != 2 || answer.json() == null) {
                err.println("mcpwatch: " + Waterfall.safe(answer.error()));
                status = REFUSED;
                return null;
            }
            return answer.json();
        }
    }

    @Command(name = "show", description = "Print the baseline, the current tool list and every change between them.",
            mixinStandardHelpOptions = true)
    static final class Show extends ApiCall {
        @Option(names = "--json", description = "Print the API's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode drift = send(path("/drift"), null);
            if (drift == null) {
                return status;
            }
            PrintWriter out = command.commandLine().getOut();
            if (json) {
                out.println(drift.toPrettyString());
                return DONE;
            }
            JsonNode baseline = drift.path("baseline");
            JsonNode current = drift.path("current");
            if (baseline.isNull() || baseline.isMissingNode()) {
                out.println(monitor + ": no baseline yet (it is the first healthy tool list the monitor sees)");
                return DONE;
            }
            out.println(monitor + ": " + (drift.path("drifted").asBoolean() ? "the tool list drifted from its baseline" : "the tool list matches its baseline"));
            out.println("  baseline  " + list(baseline.path("fingerprint"), baseline.path("toolCount"), baseline.path("serverVersion"))
                    + " — " + Waterfall.safe(baseline.path("setBy").asString()) + ", " + Instant.ofEpochMilli(baseline.path("setAt").asLong()));
            if (current.isObject()) {
                out.println("  current   " + list(current.path("fingerprint"), current.path("toolCount"), current.path("serverVersion")));
            }
            JsonNode d = drift.path("drift");
            if (d.isObject()) {
                long n = d.path("changes").size();
                out.println("  " + n + (n == 1 ? " change" : " changes") + " (" + d.path("breaking").asLong() + " breaking):");
                for (JsonNode c : d.path("changes")) {
                    out.println("    - " + (c.path("breaking").asBoolean() ? "[breaking] " : "") + Waterfall.safe(c.path("sentence").asString()));
                }
                if (d.path("unannounced").asBoolean()) {
                    out.println("  the schema changed without a version bump");
                }
                out.println("  accept it as the new baseline: mcpwatch drift ack " + monitor + " --fingerprint "
                        + current.path("fingerprint").asString().substring(0, 16));
            }
            return DONE;
        }

        private static String list(JsonNode fingerprint, JsonNode count, JsonNode version) {
            return fingerprint.asString("").substring(0, Math.min(16, fingerprint.asString("").length())) + " (" + count.asInt()
                    + " tools, server " + (version.isString() ? Waterfall.safe(version.asString()) : "version unknown") + ")";
        }
    }

    @Command(name = "ack", description = {"Make the monitor's current tool list its schema baseline.",
        "The drift warning clears and later lists are compared with this one. Exit codes: 0 done, 1 usage error, 2 refused by the",
        "server (no such monitor, nothing to acknowledge, the list changed since --fingerprint), 4 server unreachable."},
            mixinStandardHelpOptions = true)
    static final class Ack extends ApiCall {
        @Option(names = "--by", paramLabel = "NAME", description = "Who acknowledges (default: $USER).")
        String by;

        @Option(names = "--note", paramLabel = "TEXT", description = "Why, for the history (e.g. the deploy that changed the tools).")
        String note;

        @Option(names = "--fingerprint", paramLabel = "HEX",
                description = "The start of the list fingerprint you reviewed (from `drift show`); refused if the list changed since.")
        String fingerprint;

        @Override
        public Integer call() {
            ObjectNode body = Json.object();
            String who = by != null ? by : System.getenv("USER");
            if (who != null && !who.isBlank()) {
                body.put("by", who);
            }
            if (note != null) {
                body.put("note", note);
            }
            if (fingerprint != null) {
                body.put("fingerprint", fingerprint);
            }
            JsonNode result = send(path("/drift/ack"), body.toString());
            if (result == null) {
                return status;
            }
            JsonNode baseline = result.path("baseline");
            long drifts = result.path("driftsAcknowledged").asLong();
            command.commandLine().getOut().println(monitor + ": the baseline is now tool list "
                    + baseline.path("fingerprint").asString().substring(0, 16) + " (" + baseline.path("toolCount").asInt() + " tools), "
                    + "acknowledged by " + Waterfall.safe(baseline.path("setBy").asString()) + "; " + drifts
                    + (drifts == 1 ? " drift" : " drifts") + " acknowledged");
            return DONE;
        }
    }
}
