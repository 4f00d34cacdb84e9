package dev.mcpwatch.alert;

import static dev.mcpwatch.testkit.ServeFixture.await;

import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** What the alerting tests do with a running serve: wait for incidents, read deliveries, post. */
final class Serving {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Fast polling and backoff, so that retries take moments in tests. */
    static final String FAST_DELIVERY = """
              delivery: {poll: 200ms, backoff: {initial: 300ms, max: 1s}}
            """;

    private Serving() {}

    static String status(ServeFixture serve, String monitor) {
        return serve.get("/api/monitors/" + monitor).path("status").asString();
    }

    /** Waits for the first open incident and returns its id. */
    static long awaitOpenIncident(ServeFixture serve) {
        await("an open incident", Duration.ofSeconds(20), () -> serve.get("/api/incidents?status=open").path("items").size() == 1);
        return serve.get("/api/incidents?status=open").path("items").get(0).path("id").asLong();
    }

    static List<JsonNode> deliveries(ServeFixture serve, long incident) {
        List<JsonNode> out = new ArrayList<>();
        serve.get("/api/incidents/" + incident + "/deliveries").path("items").forEach(out::add);
        return out;
    }

    static List<JsonNode> deliveries(ServeFixture serve, long incident, String channel, String event) {
        return deliveries(serve, incident).stream()
                .filter(d -> d.path("channel").asString().equals(channel) && d.path("event").asString().equals(event)).toList();
    }

    static boolean delivered(ServeFixture serve, long incident, String channel, String event) {
        return deliveries(serve, incident, channel, event).stream().anyMatch(d -> d.path("status").asString().equals("delivered"));
    }

    record Answer(int status, String body) {
        JsonNode json() {
            return Json.MAPPER.readTree(body);
        }
    }

    static Answer post(String url, String contentType, String body) {
        return post(url, contentType, body, null);
    }

    /** A POST with an API token (the API refuses writes without one). */
    static Answer post(String url, String contentType, String body, String token) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Answer get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Records failing probes of {@code monitor}, a second apart on {@code clock}, until its outage is
     * confirmed; returns the incident that opened.
     */
    static long confirmDown(ServeFixture serve, TestClock clock, String monitor) {
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            ResultRecorder.Recorded r = serve.record(monitor, Results.failed(clock.instant().minusSeconds(1)));
            if (r.transition().opened() != null) {
                return r.incidentId();
            }
        }
        throw new AssertionError(monitor + " was not confirmed down after 10 failing probes");
    }

    /** Records healthy probes of {@code monitor}, a second apart on {@code clock}, until its incident resolves. */
    static void recover(ServeFixture serve, TestClock clock, String monitor) {
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            ResultRecorder.Recorded r = serve.record(monitor, Results.healthy(clock.instant().minusSeconds(1), 30));
            if (r.transition().resolved() != null) {
                return;
            }
        }
        throw new AssertionError(monitor + " did not recover after 10 healthy probes");
    }

    /**
     * Runs one round of alerting now, at the clock's time, beside the loop's own rounds: whatever is
     * due (an escalation step, a held alert, a digest, a delivery) is in the outbox when it returns.
     */
    static void round(ServeFixture serve) {
        serve.app().alerting().round();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
