package dev.mcpwatch.cli;

import dev.mcpwatch.probe.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * The commands that talk to a running {@code mcpwatch serve} through its API. The server is
 * {@code --server}, else {@code MCPWATCH_SERVER}, else http://127.0.0.1:8080.
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

    ServerClient(String server) {
        String s = server != null ? server : System.getenv("MCPWATCH_SERVER") != null ? System.getenv("MCPWATCH_SERVER") : DEFAULT;
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    String base() {
        return base;
    }

    Answer post(String path, String json, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(r.body());
        } catch (RuntimeException e) {
            body = null;
        }
        return new Answer(r.statusCode(), body);
    }
}
