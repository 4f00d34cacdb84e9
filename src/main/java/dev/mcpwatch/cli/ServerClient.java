package dev.mcpwatch.cli;

import dev.mcpwatch.probe.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * The commands that talk to a running {@code mcpwatch serve} through its API. The server is
 * {@code --server}, else {@code MCPWATCH_SERVER}, else http://127.0.0.1:8080; the API token is
 * {@code --token}, else {@code MCPWATCH_TOKEN} (writes need one once a password is set; create one
 * with {@code mcpwatch token create} or on the dashboard's Settings page).
 */
final class ServerClient {
    static final String DEFAULT = "http://127.0.0.1:8080";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Answer(int status, JsonNode json) {
        String error() {
            return json == null ? "HTTP " + status : json.path("error").asString("HTTP " + status);
        }
    }

    private final String base;
    private final String token;

    ServerClient(String server, String token) {
        String s = server != null ? server : System.getenv("MCPWATCH_SERVER") != null ? System.getenv("MCPWATCH_SERVER") : DEFAULT;
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.token = token != null ? token : System.getenv("MCPWATCH_TOKEN");
    }

    String base() {
        return base;
    }

    /** One request to the server. */
    @FunctionalInterface
    interface Call {
        Answer send(ServerClient client) throws IOException, InterruptedException;
    }

    /**
     * The server's answer to {@code call}, or null once {@code err} has said why there is none (no
     * server answers, or it cannot be reached): the command then exits 2.
     */
    Answer answer(Call call, PrintWriter err) throws InterruptedException {
        try {
            return call.send(this);
        } catch (ConnectException e) {
            err.println("mcpwatch: no mcpwatch server answers at " + base
                    + " (is mcpwatch serve running? pass --server URL or set MCPWATCH_SERVER)");
        } catch (IOException | IllegalArgumentException e) {
            err.println("mcpwatch: cannot reach " + base + ": " + e.getMessage());
        }
        return null;
    }

    Answer get(String path, Duration timeout) throws IOException, InterruptedException {
        return send(request(path, timeout).GET());
    }

    Answer post(String path, String json, Duration timeout) throws IOException, InterruptedException {
        return send(request(path, timeout).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token.strip());
        }
        return b;
    }

    private static Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(r.body());
        } catch (RuntimeException e) {
            body = null;
        }
        return new Answer(r.statusCode(), body);
    }
}
