package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import dev.mcpwatch.testkit.WebFixture;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * SLOs through the API of a running mcpwatch, over the history of {@link TwoMonths}: created,
 * changed and deleted with real HTTP and an API token, evaluated from the same list as the file's
 * SLOs (the answer's figures are the pure arithmetic's of the history, the burn-rate alerts see it at
 * once and stop with it), refused with the file's own messages, and never allowed to touch an SLO the
 * file defines. Also the incident answer's {@code resolvedBy}.
 */
@Timeout(120)
class SloApiWebTest {
    private static final String YAML = """
            monitors: []
            slos:
              - id: prod-availability
                tag: prod
                target: 99.9%
            status_pages:
              - slug: public
                monitors: [weather]
            """;

    private static TwoMonths months;
    private static WebFixture web;
    private static Map<String, String> token;

    @BeforeAll
    static void start() throws Exception {
        months = new TwoMonths();
        web = WebFixture.start(ServeFixture.tempDir("mcpwatch-slo-api-"), YAML, new TestClock(TwoMonths.NOW));
        long windowStartDay = Resolution.DAY.bucketStart(TwoMonths.NOW.minus(Duration.ofDays(30)).toEpochMilli());
        months.write(web.app().database(), day -> day >= windowStartDay);
        token = Map.of("Authorization", "Bearer " + web.apiToken());
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    private static WebFixture.Response call(String method, String path, String body) throws Exception {
        return web.client().json(method, path, body, token);
    }

    private static JsonNode json(WebFixture.Response r) {
        return Json.MAPPER.readTree(r.body());
    }

    private static Map<String, JsonNode> listed() throws Exception {
        WebFixture.Response r = call("GET", "/api/slos", null);
        assertThat(r.status()).isEqualTo(200);
        Map<String, JsonNode> out = new HashMap<>();
        json(r).path("items").forEach(i -> out.put(i.path("id").asString(), i));
        return out;
    }

    @Test
    void anSloCreatedChangedAndDeletedThroughTheApiIsEvaluatedFromTheHistoryAndThenGone() throws Exception {
        WebFixture.Response created = call("POST", "/api/slos", """
                {"id": "search-availability", "name": "Search objective from the API", "monitor": "search", "target": "99.5%"}""");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode answer = json(created);
        assertThat(answer.path("id").asString()).isEqualTo("search-availability");
        assertThat(answer.path("source").asString()).isEqualTo("api");
        // search's 60 failing minutes of 20 November fall in the 30 days, outside any maintenance of its own
        Slo expectedSlo = new SloSettings("search-availability", null, "search", null, null, 0.995, null, null, null, null, null).slo();
        SloStatus expected = SloStatus.evaluate(expectedSlo, months.h.new Rollups(List.of("search"), ms -> true)
                .source(Objective.AVAILABILITY, TimeSet.of(List.of(TwoMonths.DEPLOY))), TwoMonths.NOW.toEpochMilli());
        assertThat(answer.path("events").asLong()).isEqualTo(expected.budget().counts().total());
        assertThat(answer.path("budget").path("consumedEvents").asLong()).isEqualTo(60);
        assertThat(answer.path("attainment").asDouble()).isEqualTo(expected.budget().attainment());

        Map<String, JsonNode> list = listed();
        assertThat(list).containsKeys("prod-availability", "search-availability");
        assertThat(list.get("prod-availability").path("source").asString()).isEqualTo("file");
        assertThat(list.get("search-availability").path("budget").path("allowedEvents").asDouble())
                .isEqualTo(expected.budget().allowedEvents());
        // the dashboard's Reliability page reads the same list
        assertThat(web.loggedIn().get("/reliability?monitor=search").body()).contains("Search objective from the API");

        WebFixture.Response changed = call("PUT", "/api/slos/search-availability", """
                {"monitor": "search", "objective": "latency", "threshold": "800ms", "target": "99%", "window": "7d"}""");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(json(changed).path("objective").asString()).isEqualTo("latency");
        assertThat(json(changed).path("window").asString()).isEqualTo("7d");
        assertThat(listed().get("search-availability").path("target").asDouble()).isEqualTo(0.99);

        WebFixture.Response deleted = call("DELETE", "/api/slos/search-availability", null);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(listed()).containsOnlyKeys("prod-availability");
        assertThat(call("GET", "/api/slos/search-availability", null).status()).isEqualTo(404);
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM api_slos")).isZero();
    }

    @Test
    void theBurnRateAlertsSeeAnApiSloAtOnceAndStopWhenItIsDeleted() throws Exception {
        long now = TwoMonths.NOW.toEpochMilli();
        // docs has been down since 18:00: 31 of the last 60 minutes failed, far above 14.4× a 0.1 % budget
        assertThat(call("POST", "/api/slos", "{\"id\": \"docs-up\", \"monitor\": \"docs\", \"target\": \"99.9%\"}").status()).isEqualTo(201);
        SloAlerts alerts = new SloAlerts(web.app().database(), web.app().slos(), web.app().events());

        alerts.round(now);
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM slo_burns WHERE slo_id = 'docs-up' AND alert = '1h/5m' "
                + "AND stopped_at IS NULL")).isEqualTo(1);
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM slo_burns WHERE slo_id = 'prod-availability'")).isZero();

        assertThat(call("DELETE", "/api/slos/docs-up", null).status()).isEqualTo(204);
        alerts.round(now + 60_000);
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM slo_burns WHERE slo_id = 'docs-up'")).isPositive();
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM slo_burns WHERE slo_id = 'docs-up' AND stopped_at IS NULL"))
                .isZero();
    }

    @Test
    void aStatusPageShowsTheAttainmentOfAnApiSloThatAsksForIt() throws Exception {
        assertThat(call("POST", "/api/slos", """
                {"id": "weather-public", "name": "Weather for everyone", "monitor": "weather", "target": "99%", "status_page": true}""")
                .status()).isEqualTo(201);
        Slo slo = new SloSettings("weather-public", null, "weather", null, null, 0.99, null, null, null, null, null).slo();
        double expected = SloStatus.evaluate(slo, months.h.new Rollups(List.of("weather"), ms -> true)
                .source(Objective.AVAILABILITY, TimeSet.of(List.of(TwoMonths.DEPLOY))), TwoMonths.NOW.toEpochMilli()).budget().attainment();

        JsonNode objectives = Json.MAPPER.readTree(web.client().get("/status/public/status.json").body()).path("objectives");

        assertThat(objectives).hasSize(1);
        assertThat(objectives.get(0).path("name").asString()).isEqualTo("Weather for everyone");
        assertThat(objectives.get(0).path("attainment").asDouble()).isEqualTo(expected).isLessThan(1.0);
        assertThat(call("DELETE", "/api/slos/weather-public", null).status()).isEqualTo(204);
    }

    @Test
    void badDefinitionsAreRefusedWithTheFieldNamed() throws Exception {
        assertError(call("POST", "/api/slos", "{\"id\": \"x\", \"monitor\": \"docs\", \"target\": \"150%\"}"), 400, "target");
        assertError(call("POST", "/api/slos", "{\"id\": \"x\", \"target\": \"99%\"}"), 400, "set either monitor or tag");
        assertError(call("POST", "/api/slos", "{\"id\": \"x\", \"monitor\": \"docs\", \"target\": \"99%\", \"objective\": \"speed\"}"), 400,
                "objective: must be availability or latency");
        assertError(call("POST", "/api/slos", "{\"id\": \"Bad Id\", \"monitor\": \"docs\", \"target\": \"99%\"}"), 400, "id: must be lower-case");
        assertError(call("POST", "/api/slos", "{\"id\": \"x\", \"monitor\": \"docs\", \"target\": \"99%\", \"colour\": \"red\"}"), 400,
                "colour");
        assertError(call("POST", "/api/slos", "{\"id\": \"x\", \"name\": \"${HOME}\", \"monitor\": \"docs\", \"target\": \"99%\"}"), 400,
                "name: environment variable references are only allowed in the configuration file");
        assertError(call("POST", "/api/slos", "[1]"), 400, "the body must be a JSON object");
        assertThat(call("POST", "/api/slos", "{\"id\": \"twice\", \"monitor\": \"docs\", \"target\": \"99%\"}").status()).isEqualTo(201);
        assertError(call("POST", "/api/slos", "{\"id\": \"twice\", \"monitor\": \"docs\", \"target\": \"98%\"}"), 409, "'twice' already exists");
        assertError(call("PUT", "/api/slos/twice", "{\"id\": \"other\", \"monitor\": \"docs\", \"target\": \"98%\"}"), 400, "id: ");
        assertError(call("PUT", "/api/slos/twice", "{\"monitor\": \"docs\", \"target\": \"98%\", \"window\": \"10m\"}"), 400, "window");
        assertThat(call("DELETE", "/api/slos/twice", null).status()).isEqualTo(204);
        assertError(call("PUT", "/api/slos/nope", "{\"monitor\": \"docs\", \"target\": \"99%\"}"), 404, "no SLO 'nope'");
        assertError(call("DELETE", "/api/slos/nope", null), 404, "no SLO 'nope'");
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM api_slos")).isZero();
    }

    @Test
    void theFilesSlosAreReadOnlyThroughTheApi() throws Exception {
        String again = "{\"id\": \"prod-availability\", \"tag\": \"prod\", \"target\": \"90%\"}";
        assertError(call("POST", "/api/slos", again), 409, "SLO 'prod-availability' is defined in the configuration file");
        assertError(call("PUT", "/api/slos/prod-availability", again), 409, "defined in the configuration file");
        assertError(call("DELETE", "/api/slos/prod-availability", null), 409, "defined in the configuration file");
        assertThat(listed().get("prod-availability").path("target").asDouble()).isCloseTo(0.999, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(call("GET", "/api/slos/prod-availability", null).status()).isEqualTo(200);
    }

    @Test
    void writesNeedAToken() throws Exception {
        WebFixture.Response r = web.client().json("POST", "/api/slos", "{\"id\": \"x\", \"monitor\": \"docs\", \"target\": \"99%\"}", Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM api_slos WHERE id = 'x'")).isZero();
    }

    @Test
    void aBadValueGetsTheSameMessageFromTheFileAndFromTheApi() throws Exception {
        for (String entry : List.of("{\"id\": \"p\", \"monitor\": \"docs\", \"target\": \"150%\"}",
                "{\"id\": \"p\", \"monitor\": \"docs\", \"target\": \"99%\", \"window\": \"10m\"}",
                "{\"id\": \"p\", \"monitor\": \"docs\", \"target\": \"99%\", \"objective\": \"speed\"}")) {
            Problem fromFile;
            try {
                new ConfigLoader(k -> null).loadText("slos:\n  - " + entry + "\n", "mcpwatch.yaml");
                throw new AssertionError("the file accepted " + entry);
            } catch (ConfigException e) {
                assertThat(e.problems()).hasSize(1);
                fromFile = e.problems().getFirst();
            }
            String path = fromFile.path().replaceFirst("^slos\\[0]\\.?", "");
            WebFixture.Response r = call("POST", "/api/slos", entry);
            assertThat(r.status()).isEqualTo(400);
            assertThat(json(r).path("error").asString()).as(entry).isEqualTo(path.isEmpty() ? fromFile.message() : path + ": " + fromFile.message());
        }
    }

    @Test
    void anIncidentSaysWhatEndedIt() throws Exception {
        Map<String, String> byMonitorAndStart = new HashMap<>();
        for (JsonNode i : json(call("GET", "/api/incidents?limit=100", null)).path("items")) {
            JsonNode detail = json(call("GET", "/api/incidents/" + i.path("id").asLong(), null));
            assertThat(detail.has("resolvedBy")).isTrue();
            byMonitorAndStart.put(detail.path("monitorId").asString() + " " + java.time.Instant.ofEpochMilli(detail.path("onsetAt").asLong()),
                    detail.path("resolvedBy").isNull() ? "open" : detail.path("resolvedBy").asString());
        }
        assertThat(byMonitorAndStart).containsEntry("search 2026-10-20T03:00:00Z", "remediation")
                .containsEntry("weather 2026-10-05T10:00:00Z", "recovery")
                .containsEntry("docs 2026-11-30T18:00:00Z", "open");
    }

    private static void assertError(WebFixture.Response r, int status, String names) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(json(r).path("error").asString()).contains(names);
    }
}
