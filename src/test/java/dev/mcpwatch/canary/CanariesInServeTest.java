package dev.mcpwatch.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.SdkServer;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Continuous canaries in a real {@code serve}: two real MCP servers (the official Java SDK) as the
 * stable and the canary monitor, a canary added through the API, rounds run by a settable clock
 * (fifteen seconds a round, moved by the test: no sleeping), and the answer deploy tooling reads.
 */
class CanariesInServeTest {
    private static final Duration ROUND = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void equalServersArePromotedOnceTheFivePercentStageHeldThirtyMinutesAndAPromotionIsRecorded() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookup(0), Deploys.status())) {
            TestClock clock = TestClock.at("2031-11-21T10:00:00Z");
            try (ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("canary-serve"), monitors(stable, canary, ""))) {
                String token = serve.apiToken();
                Answer added = post(serve, "/api/canaries", "{\"id\": \"search\", \"stable\": \"search-stable\", \"canary\": "
                        + "\"search-canary\", \"interval\": \"15s\"}", token);
                assertThat(added.status()).as(added.body()).isEqualTo(201);
                assertThat(added.json().path("verdict").asString()).isEqualTo("hold");
                assertThat(added.json().path("stage").asInt()).isEqualTo(5);
                assertThat(added.json().path("next_stage_at").asString()).isEqualTo("2031-11-21T10:30:00Z");
                assertThat(added.json().path("reasons").get(0).asString()).startsWith("no round yet");

                rounds(serve, clock, 60); // 15 minutes
                JsonNode half = serve.get("/api/canaries/search");
                assertThat(half.path("verdict").asString()).as(half.toString()).isEqualTo("hold");
                assertThat(half.path("reasons").get(0).asString()).isEqualTo("stage 5 % must hold for 30m; 15m to go");

                rounds(serve, clock, 61); // past 30 minutes
                JsonNode ready = serve.get("/api/canaries/search");
                assertThat(ready.path("verdict").asString()).as(ready.toString()).isEqualTo("promote");
                assertThat(ready.path("stage").asInt()).isEqualTo(5);
                assertThat(ready.path("next_stage").asInt()).isEqualTo(25);
                assertThat(ready.path("next_stage_at").asString()).isEqualTo("2031-11-21T10:30:00Z");
                assertThat(ready.path("analysis").path("verdict").asString()).isEqualTo("promote");
                assertThat(ready.path("analysis").path("canary").path("probes").asLong()).isEqualTo(121);

                Instant promotedAt = clock.instant();
                Answer promoted = post(serve, "/api/canaries/search/stage", "{\"stage\": 25, \"by\": \"argo\"}", token);
                assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
                assertThat(promoted.json().path("stage").asInt()).isEqualTo(25);
                assertThat(promoted.json().path("verdict").asString()).isEqualTo("hold");
                assertThat(promoted.json().path("stage_started_at").asString()).isEqualTo(promotedAt.toString());
                assertThat(promoted.json().path("next_stage_at").asString()).isEqualTo(promotedAt.plus(Duration.ofHours(1)).toString());
                assertThat(promoted.json().path("reasons").get(0).asString()).isEqualTo("stage 25 % must hold for 1h; 1h to go");

                JsonNode all = serve.get("/api/canaries");
                assertThat(all.path("canaries").size()).isEqualTo(1);
                assertThat(all.path("canaries").get(0).path("stage").asInt()).isEqualTo(25);
            }
        }
    }

    @Test
    void aCanaryWhoseToolFailsIsRolledBackForItsErrorRateAndAlertsOnceAsP1ThroughTheRoutes() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookupFailingEvery(1), Deploys.status());
                Receiver pager = Receiver.start(); Receiver chat = Receiver.start()) {
            TestClock clock = TestClock.at("2031-11-21T10:00:00Z");
            String alerting = """
                    alerting:
                      channels:
                        pager: {type: webhook, url: "%s"}
                        chat: {type: webhook, url: "%s"}
                      routes:
                        - name: outages
                          match: {severity: [P1]}
                          channels: [pager]
                        - name: warnings
                          match: {severity: [P3]}
                          channels: [chat]
                    """.formatted(pager.url("/hook"), chat.url("/hook"));
            try (ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("canary-serve"), monitors(stable, canary, alerting))) {
                String token = serve.apiToken();
                assertThat(post(serve, "/api/canaries", "{\"id\": \"search\", \"stable\": \"search-stable\", \"canary\": \"search-canary\", "
                        + "\"interval\": \"15s\"}", token).status()).isEqualTo(201);

                rounds(serve, clock, 19); // the window is not full yet: the rule cannot judge
                assertThat(serve.get("/api/canaries/search").path("verdict").asString()).isEqualTo("hold");
                rounds(serve, clock, 3);

                JsonNode answer = serve.get("/api/canaries/search");
                assertThat(answer.path("verdict").asString()).as(answer.toString()).isEqualTo("rollback");
                assertThat(answer.path("next_stage_at").isNull()).isTrue();
                assertThat(answer.path("reasons").toString()).contains("error rate");
                JsonNode rule = rule(answer, "error_rate");
                assertThat(rule.path("status").asString()).isEqualTo("tripped");
                assertThat(rule.path("stable").path("count").asLong()).isZero();

                ServeFixture.await("the rollback alert", Duration.ofSeconds(15), () -> !pager.withJson("event", "canary.rollback").isEmpty());
                rounds(serve, clock, 5); // still rolled back: no second alert
                Thread.sleep(500); // a second alert would be written with the round and sent at once
                List<Receiver.Seen> alerts = pager.withJson("event", "canary.rollback");
                assertThat(alerts).hasSize(1);
                JsonNode alert = alerts.getFirst().json();
                assertThat(alert.path("severity").asString()).isEqualTo("P1");
                assertThat(alert.path("monitor").path("id").asString()).isEqualTo("search-canary");
                assertThat(alert.path("message").asString()).startsWith("Canary search (stable search-stable, canary search-canary, at 5 %): "
                        + "roll back.").contains("error rate");
                assertThat(chat.requests()).as("a P1 goes along the P1 route only").isEmpty();
            }
        }
    }

    @Test
    void aCanaryKilledMidRunIsRolledBackAtTheNextRound() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status())) {
            SdkServer canary = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
            TestClock clock = TestClock.at("2031-11-21T10:00:00Z");
            try (canary; ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("canary-serve"), monitors(stable, canary, ""))) {
                String token = serve.apiToken();
                post(serve, "/api/canaries", "{\"id\": \"search\", \"stable\": \"search-stable\", \"canary\": \"search-canary\"}", token);
                rounds(serve, clock, 4);
                assertThat(serve.get("/api/canaries/search").path("verdict").asString()).isEqualTo("hold");

                canary.close();
                rounds(serve, clock, 1);

                JsonNode answer = serve.get("/api/canaries/search");
                assertThat(answer.path("verdict").asString()).as(answer.toString()).isEqualTo("rollback");
                assertThat(rule(answer, "canary_reachable").path("status").asString()).isEqualTo("tripped");
            }
        }
    }

    @Test
    void aCanaryThatDropsAToolIsRolledBackAndItsPageShowsBothSidesAndTheDiff() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookup(0))) {
            TestClock clock = TestClock.at("2031-11-21T10:00:00Z");
            try (ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("canary-serve"), monitors(stable, canary, ""))) {
                String token = serve.apiToken();
                post(serve, "/api/canaries", "{\"id\": \"search\", \"stable\": \"search-stable\", \"canary\": \"search-canary\"}", token);
                rounds(serve, clock, 3);

                JsonNode answer = serve.get("/api/canaries/search");
                assertThat(answer.path("verdict").asString()).as(answer.toString()).isEqualTo("rollback");
                assertThat(rule(answer, "tool_surface").path("status").asString()).isEqualTo("tripped");
                assertThat(answer.path("analysis").path("tools").path("changes").get(0).path("kind").asString()).isEqualTo("tool_removed");

                HttpResponse<String> page = get(serve, "/canaries/search", token);
                assertThat(page.statusCode()).isEqualTo(200);
                String html = page.body();
                assertThat(html).contains("<h1>Canary search</h1>").contains(">rollback</span> at 5 % of traffic");
                assertThat(html).as("both sides drawn, on both charts").containsPattern("(?s)Error rate.*polyline points=\"[^\"]+\" class=\"line-stable\"")
                        .containsPattern("(?s)class=\"line-canary\".*p99 of a whole probe");
                assertThat(html.split("class=\"line-canary\"", -1)).hasSize(3);
                assertThat(html).contains("<strong>breaking</strong>: ").contains("status");
                assertThat(html).contains("<code>tool_surface</code>");
                assertThat(html).contains("5 % from ");

                String list = get(serve, "/canaries", token).body();
                assertThat(list).contains("<a href=\"/canaries/search\">search</a>").contains("verdict-rollback");
            }
        }
    }

    @Test
    void badRequestsSayWhatToChange() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0)); SdkServer canary = SdkServer.streamable(Deploys.lookup(0))) {
            TestClock clock = TestClock.at("2031-11-21T10:00:00Z");
            try (ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("canary-serve"), monitors(stable, canary, ""))) {
                String token = serve.apiToken();
                Answer both = post(serve, "/api/canaries", "{\"id\": \"x\", \"stable\": \"search-stable\"}", token);
                assertThat(both.status()).isEqualTo(400);
                assertThat(both.json().path("error").asString()).isEqualTo("canary 'x' needs both stable and canary monitor ids");
                Answer typo = post(serve, "/api/canaries", "{\"id\": \"x\", \"stable\": \"a\", \"canary\": \"b\", \"intervall\": \"5s\"}", token);
                assertThat(typo.status()).isEqualTo(400);
                assertThat(typo.json().path("error").asString()).startsWith("unknown field 'intervall'");
                Answer stage = post(serve, "/api/canaries", "{\"id\": \"x\", \"stable\": \"a\", \"canary\": \"b\", \"stage\": 10}", token);
                assertThat(stage.json().path("error").asString()).isEqualTo("a canary stage is 5, 25, 50 or 100 (percent of traffic), not 10");

                assertThat(post(serve, "/api/canaries", "{\"id\": \"search\", \"stable\": \"search-stable\", \"canary\": \"search-canary\"}",
                        token).status()).isEqualTo(201);
                Answer again = post(serve, "/api/canaries", "{\"id\": \"search\", \"stable\": \"search-stable\", \"canary\": \"b\"}", token);
                assertThat(again.status()).isEqualTo(409);
                assertThat(again.json().path("error").asString()).contains("already exists").contains("DELETE /api/canaries/search first");
                Answer badStage = post(serve, "/api/canaries/search/stage", "{\"stage\": \"next\"}", token);
                assertThat(badStage.status()).isEqualTo(400);
                assertThat(badStage.json().path("error").asString()).contains("{\"stage\": 25}");
                assertThat(serve.status("/api/canaries/nope")).isEqualTo(404);
                assertThat(post(serve, "/api/canaries", "{\"id\": \"y\", \"stable\": \"a\", \"canary\": \"b\"}", null).status())
                        .as("writes need a token").isEqualTo(401);

                rounds(serve, clock, 1);
                Answer missing = post(serve, "/api/canaries", "{\"id\": \"ghost\", \"stable\": \"search-stable\", \"canary\": \"gone\"}", token);
                assertThat(missing.status()).isEqualTo(201);
                rounds(serve, clock, 1);
                assertThat(serve.get("/api/canaries/ghost").path("reasons").get(0).asString())
                        .isEqualTo("monitor 'gone' of canary 'ghost' is not defined; no round runs until it is");
            }
        }
    }

    @Test
    void aCanaryOfTheConfigurationKeepsARecordedPromotionUntilTheFileSaysAnotherStage() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0)); SdkServer canary = SdkServer.streamable(Deploys.lookup(0))) {
            TestClock clock = TestClock.at("2031-11-21T10:00:00Z");
            String file = """
                    canaries:
                      - id: search
                        stable: search-stable
                        canary: search-canary
                        stage: 25
                        started_at: 2031-11-21T09:10:00Z
                    """;
            try (ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("canary-serve"), monitors(stable, canary, file))) {
                String token = serve.apiToken();
                JsonNode fromFile = serve.get("/api/canaries/search");
                assertThat(fromFile.path("source").asString()).isEqualTo("file");
                assertThat(fromFile.path("stage").asInt()).isEqualTo(25);
                assertThat(fromFile.path("started_at").asString()).isEqualTo("2031-11-21T09:10:00Z");
                assertThat(fromFile.path("next_stage_at").asString()).isEqualTo("2031-11-21T10:10:00Z");

                clock.advance(Duration.ofMinutes(1));
                assertThat(post(serve, "/api/canaries/search/stage", "{\"stage\": 50}", token).json().path("stage").asInt()).isEqualTo(50);
                CanarySettings same = new CanarySettings("search", "search-stable", "search-canary", null, null, 25,
                        Instant.parse("2031-11-21T09:10:00Z"), null, null, null, null);
                serve.app().canaries().load(List.of(same));
                assertThat(serve.get("/api/canaries/search").path("stage").asInt()).as("a reload of the same file keeps the promotion")
                        .isEqualTo(50);

                clock.advance(Duration.ofMinutes(1));
                serve.app().canaries().load(List.of(new CanarySettings("search", "search-stable", "search-canary", null, null, 100,
                        Instant.parse("2031-11-21T09:10:00Z"), null, null, null, null)));
                JsonNode promotedInFile = serve.get("/api/canaries/search");
                assertThat(promotedInFile.path("stage").asInt()).as("a new stage in the file applies").isEqualTo(100);
                assertThat(promotedInFile.path("stage_started_at").asString()).isEqualTo("2031-11-21T10:02:00Z");
                assertThat(serve.app().canaries().stages("search")).extracting(st -> st.stage() + " by " + st.by())
                        .containsExactly("25 by file", "50 by api", "100 by file");

                var delete = HTTP.send(HttpRequest.newBuilder(URI.create(serve.base() + "/api/canaries/search"))
                        .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(delete.statusCode()).isEqualTo(409);
                assertThat(delete.body()).contains("defined in the configuration file; remove it there");

                serve.app().canaries().load(List.of());
                assertThat(serve.status("/api/canaries/search")).as("removed from the file, gone").isEqualTo(404);
            }
        }
    }

    @Test
    void theAnswerAndThePageShowNoSecretOfTheMonitorsUrls() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0)); SdkServer canary = SdkServer.streamable(Deploys.lookup(0))) {
            TestClock clock = TestClock.at("2031-11-21T10:00:00Z");
            String yaml = """
                    monitors:
                      - id: search-stable
                        url: %s?key=s3cret-stable
                      - id: search-canary
                        url: %s?key=s3cret-canary
                    """.formatted(stable.url(), canary.url());
            try (ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("canary-serve"), yaml)) {
                String token = serve.apiToken();
                post(serve, "/api/canaries", "{\"id\": \"search\", \"stable\": \"search-stable\", \"canary\": \"search-canary\"}", token);
                rounds(serve, clock, 2);

                JsonNode answer = serve.get("/api/canaries/search");
                assertThat(answer.path("analysis").path("canary").path("target").asString()).isEqualTo(canary.url() + "?key=(redacted)");
                assertThat(answer.toString()).doesNotContain("s3cret");
                assertThat(get(serve, "/canaries/search", token).body()).doesNotContain("s3cret");
            }
        }
    }

    static String monitors(SdkServer stable, SdkServer canary, String more) {
        return """
                monitors:
                  - id: search-stable
                    url: %s
                    expect:
                      call: {tool: lookup, arguments: {query: mcp}}
                  - id: search-canary
                    url: %s
                    expect:
                      call: {tool: lookup, arguments: {query: mcp}}
                %s""".formatted(stable.url(), canary.url(), more);
    }

    /** Runs {@code n} rounds, moving the clock one interval (15 s) after each. */
    static void rounds(ServeFixture serve, TestClock clock, int n) {
        rounds(serve, clock, n, ROUND);
    }

    /**
     * Runs {@code n} rounds, moving the clock {@code interval} after each. serve's own loop may run a
     * due round first; either way each interval gets one round.
     */
    static void rounds(ServeFixture serve, TestClock clock, int n, Duration interval) {
        for (int i = 0; i < n; i++) {
            serve.app().canaries().runDue();
            clock.advance(interval);
        }
    }

    static JsonNode rule(JsonNode answer, String name) {
        for (JsonNode r : answer.path("analysis").path("rules")) {
            if (r.path("rule").asString().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no rule " + name + " in " + answer);
    }

    record Answer(int status, String body) {
        JsonNode json() {
            return Json.MAPPER.readTree(body);
        }
    }

    static Answer post(ServeFixture serve, String path, String json, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(serve.base() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    static HttpResponse<String> get(ServeFixture serve, String path, String token) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(serve.base() + path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
