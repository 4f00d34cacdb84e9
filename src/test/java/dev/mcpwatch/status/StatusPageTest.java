package dev.mcpwatch.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.WebFixture;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;

/**
 * A public status page, as a visitor and an operator meet it: the headline and one row per monitor,
 * daily bars from incident minutes, the automatic "investigating" of a P1 and the operators'
 * updates, caching by ETag, the JSON, the Atom feed and the badges — and never an internal detail.
 */
class StatusPageTest {
    private static final String YAML = """
            monitors:
              - {id: weather, name: Weather API, url: 'http://127.0.0.1:9/mcp', interval: 24h,
                 headers: {Authorization: Bearer very-secret-token}}
              - {id: search, name: Search, url: 'http://127.0.0.1:9/mcp', interval: 24h}
              - {id: internal, url: 'http://127.0.0.1:9/mcp', interval: 24h}
            status_pages:
              - slug: public
                title: "Acme <script>document.title='pwned'</script> status"
                monitors: [weather, search]
              - slug: core
                title: Core services
                monitors: [weather, search]
                critical: [weather]
            """;
    private static final long DAY = Resolution.DAY.millis();

    @TempDir
    Path dir;

    private WebFixture web;
    private final long now = System.currentTimeMillis();

    @BeforeEach
    void start() {
        web = WebFixture.start(dir, YAML, "https://status.example.com");
    }

    @AfterEach
    void stop() {
        web.close();
    }

    @Test
    void aConfirmedP1PostsInvestigatingAtOnceAndOneMonitorDownOfTwoIsAPartialOutage() throws Exception {
        healthy("search", now - 60_000);
        long incident = outage("weather", now - 120_000);

        var page = web.client().get("/status/public");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<p class=\"headline state-partial-outage\" role=\"status\"><span class=\"dot\" aria-hidden=\"true\">"
                + "</span>Partial outage</p>", "<span class=\"pill state-outage\">Major outage</span>", "Weather API: major outage", "Ongoing",
                "<strong class=\"update-investigating\">Investigating</strong> — We are investigating an outage of Weather API.");
        var updates = json("/api/incidents/" + incident + "/updates");
        assertThat(updates.path("items")).singleElement().satisfies(u -> {
            assertThat(u.path("status").asString()).isEqualTo("investigating");
            assertThat(u.path("automatic").asBoolean()).isTrue();
            assertThat(u.path("author").asString()).isEqualTo("mcpwatch");
        });
        JsonNode status = json("/status/public/status.json");
        assertThat(status.path("state").asString()).isEqualTo("outage");
        assertThat(status.path("headlineState").asString()).isEqualTo("partial-outage");
        assertThat(status.path("monitors")).extracting(m -> m.path("id").asString() + "=" + m.path("state").asString())
                .containsExactly("weather=outage", "search=operational");
    }

    @Test
    void everyMonitorDownOrEveryCriticalOneIsAMajorOutage() throws Exception {
        outage("weather", now - 120_000);
        healthy("search", now - 60_000);
        assertThat(json("/status/core/status.json").path("headline").asString()).as("weather is marked critical").isEqualTo("Major outage");
        assertThat(json("/status/public/status.json").path("headline").asString()).isEqualTo("Partial outage");

        outage("search", now - 50_000); // a new incident drops the cached pages
        assertThat(json("/status/public/status.json").path("headline").asString()).as("both down").isEqualTo("Major outage");
    }

    @Test
    void aP2IsDegradedPerformanceAndGetsNoAutomaticUpdate() throws Exception {
        for (int i = 0; i < 3; i++) {
            web.record("weather", Results.failed(Instant.ofEpochMilli(now - 60_000 + i * 10_000L), Reason.TOOL_CALL_ERROR, Phase.TOOL_CALL,
                    "get_forecast returned isError"));
        }

        JsonNode status = json("/status/public/status.json");

        assertThat(status.path("headline").asString()).isEqualTo("Degraded performance");
        assertThat(status.path("monitors").get(0).path("stateText").asString()).isEqualTo("Degraded performance");
        assertThat(status.path("incidents")).singleElement().satisfies(i -> {
            assertThat(i.path("impact").asString()).isEqualTo("Degraded performance");
            assertThat(i.path("updates")).isEmpty();
        });
    }

    @Test
    void eachDailyBarCarriesTheExactDowntimeMinutesOfItsDayForHoverAndFocus() throws Exception {
        long twoDaysAgo = Resolution.DAY.bucketStart(now) - 2 * DAY;
        long onset = twoDaysAgo + DAY - 10 * 60_000; // 23:50 two days ago
        outage("weather", onset);
        // Two successes; the second finishes (and resolves the incident) at 00:20 the next day.
        healthy("weather", twoDaysAgo + DAY + 19 * 60_000 + 49_000);
        healthy("weather", twoDaysAgo + DAY + 19 * 60_000 + 59_000);

        var page = web.client().get("/status/public").body();
        JsonNode days = json("/status/public/status.json").path("monitors").get(0).path("days");

        assertThat(days).hasSize(90);
        assertThat(days.get(87).path("downtimeMinutes").asLong()).isEqualTo(10);
        assertThat(days.get(88).path("downtimeMinutes").asLong()).isEqualTo(20);
        assertThat(days.get(89).path("downtimeMinutes").asLong()).isZero();
        assertThat(days.get(10).path("hasData").asBoolean()).isFalse();
        String day87 = days.get(87).path("label").asString();
        assertThat(day87).endsWith(": 10 minutes of downtime");
        assertThat(page).contains("<li class=\"lvl-minor\" tabindex=\"0\" title=\"" + day87 + "\" aria-label=\"" + day87 + "\"></li>");
        assertThat(page).contains("20 minutes of downtime").contains("lvl-none");
        assertThat(page.split("tabindex=\"0\"")).as("90 focusable days per monitor, two monitors").hasSize(181);
    }

    @Test
    void operatorsPostUpdatesThroughTheApiAndResolvingClosesThePublicStory() throws Exception {
        long incident = outage("weather", now - 300_000);
        var operator = web.loggedIn();
        operator.get("/");
        var headers = Map.of("X-CSRF-Token", operator.csrf());

        var identified = operator.json("POST", "/api/incidents/" + incident + "/updates",
                "{\"status\":\"identified\",\"message\":\"A bad deploy; rolling back.\"}", headers);
        var monitoring = operator.json("POST", "/api/incidents/" + incident + "/updates",
                "{\"status\":\"monitoring\",\"message\":\"Rolled back; watching.\"}", headers);
        var bad = operator.json("POST", "/api/incidents/" + incident + "/updates", "{\"status\":\"fixed\",\"message\":\"x\"}", headers);
        healthy("weather", now - 20_000);
        healthy("weather", now - 10_000);

        assertThat(identified.status()).isEqualTo(201);
        assertThat(monitoring.status()).isEqualTo(201);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("status must be one of investigating, identified, monitoring, resolved");
        JsonNode history = json("/status/public/status.json").path("incidents").get(0);
        assertThat(history.path("open").asBoolean()).isFalse();
        assertThat(history.path("updates")).extracting(u -> u.path("status").asString())
                .containsExactly("resolved", "monitoring", "identified", "investigating");
        assertThat(history.path("updates").get(0).path("message").asString()).isEqualTo("Weather API has recovered.");
        assertThat(web.client().get("/status/public").body()).contains("A bad deploy; rolling back.", "resolved");
    }

    @Test
    void thePageIsCachedWithAnETagAndANewUpdateChangesIt() throws Exception {
        long incident = outage("weather", now - 300_000);
        var visitor = web.client();

        var first = visitor.get("/status/public");
        var again = visitor.get("/status/public", "If-None-Match", first.header("ETag"));

        assertThat(first.header("Cache-Control")).isEqualTo("public, max-age=10, stale-while-revalidate=30");
        assertThat(first.header("ETag")).matches("\"[0-9a-f]{24}\"");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(first.header("Content-Security-Policy")).contains("default-src 'none'").doesNotContain("script-src");

        var operator = web.loggedIn();
        operator.get("/incidents/" + incident);
        operator.post("/incidents/" + incident + "/updates", Map.of("status", "identified", "message", "Found it."));

        var after = visitor.get("/status/public", "If-None-Match", first.header("ETag"));
        assertThat(after.status()).as("an update is visible at once, not after the cache expires").isEqualTo(200);
        assertThat(after.body()).contains("Found it.");
    }

    @Test
    void nothingInternalReachesThePublic() throws Exception {
        outage("weather", now - 300_000);
        web.record("search", Results.healthy(Instant.ofEpochMilli(now - 30_000), 42, Results.tools("lookup", "fetch")));
        var visitor = web.client();

        List<String> bodies = new java.util.ArrayList<>();
        for (String path : List.of("/status/public", "/status/public/status.json", "/status/public/feed.atom",
                "/status/public/monitors/weather", "/badge/weather/status.svg", "/badge/weather/uptime.svg?period=24h",
                "/badge/weather/latency.svg", "/status/nope", "/status/public/monitors/internal", "/badge/internal/status.svg")) {
            bodies.add(visitor.get(path).body());
        }

        for (String body : bodies) {
            assertThat(body).doesNotContain("127.0.0.1", "very-secret-token", "Authorization", "connection_refused", "Connection refused",
                    "tcp", "Exception", "at dev.mcpwatch", "lookup", "internal\"");
        }
        assertThat(visitor.get("/status/public/monitors/internal").status()).isEqualTo(404);
        assertThat(visitor.get("/badge/internal/status.svg").status()).isEqualTo(404);
        assertThat(bodies.getFirst()).contains("<h1>Acme &lt;script&gt;document.title='pwned'&lt;/script&gt; status</h1>")
                .doesNotContain("<script");
        assertThat(json("/status/public/monitors/search").path("toolCount").asInt()).isEqualTo(2);
    }

    @Test
    void theAtomFeedAndTheBadgesAreWellFormedXml() throws Exception {
        outage("weather", now - 300_000);
        healthy("search", now - 30_000);
        var visitor = web.client();

        var feed = visitor.get("/status/public/feed.atom");
        Document atom = xml(feed.body());
        assertThat(feed.header("Content-Type")).startsWith("application/atom+xml");
        assertThat(atom.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2005/Atom");
        assertThat(atom.getElementsByTagNameNS("*", "entry").getLength()).isEqualTo(1);
        assertThat(atom.getElementsByTagNameNS("*", "title").item(1).getTextContent()).isEqualTo("Weather API: major outage");
        assertThat(feed.body()).contains("<link rel=\"alternate\" type=\"text/html\" href=\"https://status.example.com/status/public#incident-");

        var status = visitor.get("/badge/weather/status.svg");
        assertThat(status.header("Content-Type")).startsWith("image/svg+xml");
        assertThat(xml(status.body()).getDocumentElement().getAttribute("aria-label")).isEqualTo("status: major outage");
        assertThat(xml(visitor.get("/badge/search/uptime.svg?period=7d").body()).getDocumentElement().getAttribute("aria-label"))
                .isEqualTo("uptime 7d: 100%");
        assertThat(xml(visitor.get("/badge/search/latency.svg?label=%3Cb%3Elatency").body()).getDocumentElement().getAttribute("aria-label"))
                .isEqualTo("<b>latency: 42 ms");
        var badPeriod = visitor.get("/badge/search/uptime.svg?period=1y");
        assertThat(badPeriod.status()).isEqualTo(400);
    }

    @Test
    void uptimeSaysSinceWhenLessThanNinetyDaysOfDataExistAndTodaysOngoingOutageIsNotUnderFifteenMinutes() throws Exception {
        long tenDaysAgo = Resolution.DAY.bucketStart(now) - 10 * DAY;
        healthy("weather", tenDaysAgo + 3_600_000);
        healthy("search", tenDaysAgo + 3_600_000);
        outage("weather", now - 120_000); // two minutes ago, still down

        JsonNode weather = json("/status/public/status.json").path("monitors").get(0);
        String page = web.client().get("/status/public").body();

        assertThat(weather.path("uptimeSince").asLong()).isEqualTo(tenDaysAgo);
        assertThat(page).contains("<dt>Uptime (since " + dev.mcpwatch.web.Fmt.day(tenDaysAgo) + ")</dt>").doesNotContain("Uptime (90 days)");
        JsonNode today = weather.path("days").get(89);
        assertThat(today.path("level").asString()).as("an ongoing outage is not 'under 15 min'").isEqualTo("ongoing");
        assertThat(today.path("label").asString()).endsWith("of downtime so far, ongoing");
        assertThat(page).contains("<span class=\"key lvl-ongoing\"></span>ongoing");
    }

    @Test
    void anAuthWalledMonitorSaysAuthenticationRequiredNotAnOutage() throws Exception {
        healthy("search", now - 60_000);
        for (int i = 0; i < 3; i++) {
            web.record("weather", Results.failed(Instant.ofEpochMilli(now - 60_000 + i * 10_000L), Reason.AUTH_REQUIRED, Phase.INITIALIZE,
                    "HTTP 401 with a Bearer challenge"));
        }

        JsonNode status = json("/status/public/status.json");
        assertThat(status.path("monitors").get(0).path("state").asString()).isEqualTo("auth-walled");
        assertThat(status.path("monitors").get(0).path("stateText").asString()).isEqualTo("Authentication required");
        assertThat(status.path("headline").asString()).isNotIn("Major outage", "Partial outage");
        assertThat(json("/api/monitors/weather").path("status").asString()).isEqualTo("auth-walled");
        assertThat(web.client().get("/badge/weather/status.svg").body()).contains("authentication required");
    }

    @Test
    void aMonitorInsideAMaintenanceWindowIsUnderMaintenanceWithNoAutomaticPostAndTheWindowsAreListed() throws Exception {
        web.close();
        Instant from = Instant.ofEpochMilli(now).minusSeconds(3600);
        Instant to = Instant.ofEpochMilli(now).plusSeconds(3600);
        Instant later = Instant.ofEpochMilli(now).plusSeconds(2 * 86_400);
        web = WebFixture.start(dir.resolve("maintenance"), YAML + """
                alerting:
                  maintenance:
                    - {name: upgrade, monitors: [weather], from: "%s", to: "%s"}
                    - {name: search-migration, monitors: [search], from: "%s", to: "%s"}
                """.formatted(from, to, later, later.plusSeconds(7200)));
        healthy("search", now - 60_000);
        long incident = outage("weather", now - 120_000);

        JsonNode status = json("/status/public/status.json");
        String page = web.client().get("/status/public").body();

        assertThat(json("/api/incidents/" + incident + "/updates").path("items")).as("no automatic 'investigating'").isEmpty();
        assertThat(status.path("monitors").get(0).path("state").asString()).isEqualTo("maintenance");
        assertThat(status.path("monitors").get(0).path("stateText").asString()).isEqualTo("Under maintenance");
        assertThat(status.path("headline").asString()).isEqualTo("Under maintenance");
        assertThat(status.path("incidents")).as("an outage inside the window is the maintenance, not an incident").isEmpty();
        assertThat(status.path("maintenance")).extracting(m -> m.path("monitorNames").get(0).asString() + " " + m.path("inProgress").asBoolean()
                + " " + m.path("startsAt").asLong() + "-" + m.path("endsAt").asLong()).containsExactly(
                "Weather API true " + from.toEpochMilli() + "-" + to.toEpochMilli(),
                "Search false " + later.toEpochMilli() + "-" + later.plusSeconds(7200).toEpochMilli());
        assertThat(page).contains("<span class=\"pill state-maintenance\">Under maintenance</span>", "<strong>In progress</strong> — Weather API",
                "<strong>Scheduled</strong> — Search").doesNotContain("upgrade", "search-migration");
    }

    @Test
    void badgesThatCannotBeMadeAreUnknownSvgBadgesWithTheRightStatus() throws Exception {
        healthy("search", now - 30_000);
        var visitor = web.client();

        for (String path : List.of("/badge/nobody/status.svg", "/badge/internal/uptime.svg", "/badge/nobody/latency.svg")) {
            var r = visitor.get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.header("Content-Type")).as(path).startsWith("image/svg+xml");
            assertThat(xml(r.body()).getDocumentElement().getAttribute("aria-label")).as(path).endsWith(": unknown");
        }
        var badPeriod = visitor.get("/badge/search/uptime.svg?period=1y");
        assertThat(badPeriod.status()).isEqualTo(400);
        assertThat(badPeriod.header("Content-Type")).startsWith("image/svg+xml");
        assertThat(xml(badPeriod.body()).getDocumentElement().getAttribute("aria-label")).isEqualTo("uptime: unknown");
    }

    @Test
    void aJsonEndpointAnswersItsErrorsInJson() throws Exception {
        var visitor = web.client();
        for (String path : List.of("/status/public/monitors/internal", "/status/public/monitors/nobody", "/status/nope/monitors/weather",
                "/status/nope/status.json")) {
            var r = visitor.get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.header("Content-Type")).as(path).startsWith("application/json");
            assertThat(Json.MAPPER.readTree(r.body()).path("error").asString()).as(path).isNotBlank();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Three failed probes 10 s apart from {@code onset}: a confirmed outage (connection refused, so P1). Returns the incident id. */
    private long outage(String monitor, long onset) {
        ResultRecorderHelper r = new ResultRecorderHelper();
        for (int i = 0; i < 3; i++) {
            r.last = web.record(monitor, Results.failed(Instant.ofEpochMilli(onset + i * 10_000L)));
        }
        return r.last.incidentId();
    }

    private void healthy(String monitor, long startedAt) {
        web.record(monitor, Results.healthy(Instant.ofEpochMilli(startedAt), 42));
    }

    private JsonNode json(String path) throws Exception {
        var r = web.client().get(path);
        if (path.startsWith("/api")) {
            // The API needs a session once a password exists; before, it is open for reads.
            assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM users")).isZero();
        }
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private static Document xml(String text) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static final class ResultRecorderHelper {
        dev.mcpwatch.monitor.ResultRecorder.Recorded last;
    }
}
