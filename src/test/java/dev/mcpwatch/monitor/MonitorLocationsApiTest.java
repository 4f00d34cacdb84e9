package dev.mcpwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.web.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * GET /api/monitors/{id} of a monitor probed from two locations (two recorders on one database, as
 * two nodes): each location's own status, last latency and last probe, next to the monitor's one
 * status (OpenApiContractTest checks the answer's shape against the published document).
 */
class MonitorLocationsApiTest {
    private static final Instant T0 = Instant.now().minus(Duration.ofHours(1));

    @Test
    void theMonitorAnswerShowsEachLocationsStateAndLatency() throws Exception {
        try (Database db = Databases.sqlite()) {
            MonitorConfig weather = Results.monitor("weather");
            db.transaction(c -> new MonitorStore().sync(c, List.of(weather), T0.toEpochMilli()));
            ResultRecorder east = Results.recorder(db, "us-east", 100);
            ResultRecorder west = Results.recorder(db, "eu-west", 100);
            for (int i = 0; i < 3; i++) {
                ProbeResult ok = Results.healthy(T0.plusSeconds(60L * i), 40 + i);
                east.record(weather, ok, ok.startedAt().toEpochMilli() + 40);
                ProbeResult refused = Results.failed(T0.plusSeconds(60L * i + 30));
                west.record(weather, refused, refused.startedAt().toEpochMilli() + 2);
            }
            ApiMonitors none = new ApiMonitors(db, ConfigLoader::readMonitor, k -> null, k -> false, Set::of,
                    new Incidents(db, new MonitorEvents(), InstantSource.system()), InstantSource.system());
            try (WebServer api = WebServer.start(new ServerSettings("127.0.0.1", 0, null, "default", 16),
                    List.of(new MonitorRoutes(db, none, InstantSource.system())))) {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/api/monitors/weather")).GET().build(), HttpResponse.BodyHandlers.ofString());

                assertThat(r.statusCode()).isEqualTo(200);
                JsonNode body = Json.MAPPER.readTree(r.body());
                assertThat(body.path("status").asString()).as("one location down alone: the monitor is suspect, not down").isEqualTo("suspect");
                JsonNode locations = body.path("locations");
                assertThat(locations.size()).isEqualTo(2);
                assertThat(locations.get(0).path("name").asString()).isEqualTo("eu-west");
                assertThat(locations.get(0).path("status").asString()).isEqualTo("down");
                assertThat(locations.get(0).path("latencyMs").asDouble()).isEqualTo(1.5);
                assertThat(locations.get(0).path("at").asLong()).isEqualTo(T0.plusSeconds(150).toEpochMilli() + 2);
                assertThat(locations.get(1).path("name").asString()).isEqualTo("us-east");
                assertThat(locations.get(1).path("status").asString()).isEqualTo("up");
                assertThat(locations.get(1).path("latencyMs").asDouble()).isEqualTo(42.0);
            }
        }
    }
}
