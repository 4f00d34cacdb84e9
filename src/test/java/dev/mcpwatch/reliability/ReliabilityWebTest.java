package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import dev.mcpwatch.testkit.WebFixture;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The record on the web, served by a running mcpwatch over the history of {@link TwoMonths}:
 * {@code GET /api/reliability} per month or for a range and for each scope, {@code GET /api/slos}
 * with the same figures the pure SLO arithmetic makes of the history, and the dashboard's
 * Reliability page with its thirteen months, charts, drill-down to the incidents and SLOs.
 */
class ReliabilityWebTest {
    private static final String YAML = """
            monitors: []
            slos:
              - id: prod-availability
                name: Prod availability
                tag: prod
                target: 99.9%
              - id: docs-latency
                monitor: docs
                objective: latency
                target: 99%
                threshold: 800ms
                window: 7d
                status_page: true
            status_pages:
              - slug: public
                monitors: [docs, weather]
            """;

    private static TwoMonths months;
    private static WebFixture web;
    private static WebFixture.Client operator;

    @BeforeAll
    static void start() throws Exception {
        months = new TwoMonths();
        web = WebFixture.start(ServeFixture.tempDir("mcpwatch-reliability-web-"), YAML, new TestClock(TwoMonths.NOW));
        long windowStartDay = Resolution.DAY.bucketStart(TwoMonths.NOW.minus(Duration.ofDays(30)).toEpochMilli());
        months.write(web.app().database(), day -> day >= windowStartDay);
        operator = web.loggedIn();
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    private static JsonNode json(String path) throws Exception {
        WebFixture.Response r = operator.get(path);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void theApiGivesEachMonthOfATagWithItsChange() throws Exception {
        JsonNode r = json("/api/reliability?from=2026-10-01T00:00:00Z&tag=prod");

        assertThat(r.path("scope").asString()).isEqualTo("tag prod");
        JsonNode periods = r.path("periods");
        assertThat(periods).hasSize(2);
        assertThat(periods.get(0).path("period").asString()).isEqualTo("2026-10");
        JsonNode nov = periods.get(1);
        assertThat(nov.path("period").asString()).isEqualTo("2026-11");
        assertThat(nov.path("to").asString()).isEqualTo("2026-11-30T18:30:30Z");
        assertThat(nov.path("availability").path("probes").asLong()).isEqualTo(2 * 42_871L - 60);
        assertThat(nov.path("availability").path("failures").asLong()).isEqualTo(70);
        assertThat(nov.path("availability").path("maintenance").path("probes").asLong()).isEqualTo(60);
        assertThat(nov.path("incidents").path("count").asInt()).isEqualTo(2);
        assertThat(nov.path("change").path("incidents").asInt()).isZero();
        assertThat(nov.has("incidentList")).as("only when asked").isFalse();
    }

    @Test
    void aRangeAsOnePeriodWithTheIncidentsBehindIt() throws Exception {
        JsonNode r = json("/api/reliability?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z&group=none&monitor=docs&incidents=true");

        JsonNode only = r.path("periods").get(0);
        assertThat(r.path("periods")).hasSize(1);
        assertThat(only.path("period").asString()).isEqualTo("2026-10-01T00:00:00Z/2026-11-30T18:30:30Z");
        assertThat(only.path("incidents").path("count").asInt()).isEqualTo(1);
        assertThat(only.path("incidents").path("outcomes").path("open").asInt()).isEqualTo(1);
        assertThat(only.path("incidentList").get(0).path("reason").asString()).isEqualTo("dns_unresolved");
        assertThat(only.path("availability").path("pausedMs").asLong()).isEqualTo(Duration.ofDays(1).toMillis());
    }

    @Test
    void badParametersAreNamed() throws Exception {
        assertThat(operator.get("/api/reliability?group=week").body()).contains("group must be month or none, got 'week'");
        assertThat(operator.get("/api/reliability?group=week").status()).isEqualTo(400);
        assertThat(operator.get("/api/reliability?from=yesterday").body()).contains("from must be epoch milliseconds or an ISO-8601 time");
        assertThat(operator.get("/api/reliability?monitor=nope").status()).isEqualTo(404);
        assertThat(operator.get("/api/reliability?monitor=nope").body()).contains("no monitor 'nope'");
        assertThat(operator.get("/api/reliability?monitor=docs&tag=prod").body()).contains("give a monitor or a tag, not both");
        assertThat(operator.get("/api/reliability?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z").body())
                .contains("'to' (2026-11-01T00:00:00Z) must be after 'from' (2026-12-01T00:00:00Z)");
    }

    @Test
    void sloFiguresAreThoseOfTheHistory() throws Exception {
        long now = TwoMonths.NOW.toEpochMilli();
        JsonNode items = json("/api/slos").path("items");
        assertThat(items).hasSize(2);

        JsonNode prod = items.get(0);
        Slo prodSlo = new SloSettings("prod-availability", null, null, "prod", null, 0.999, null, null, null, null, null).slo();
        SloStatus expected = SloStatus.evaluate(prodSlo, months.h.new Rollups(List.of("weather", "search"), ms -> true)
                .source(Objective.AVAILABILITY, TimeSet.of(List.of(TwoMonths.DEPLOY))), now);
        assertThat(prod.path("id").asString()).isEqualTo("prod-availability");
        assertThat(prod.path("monitors")).extracting(JsonNode::asString).containsExactly("search", "weather");
        assertThat(prod.path("events").asLong()).isEqualTo(expected.budget().counts().total());
        assertThat(prod.path("goodEvents").asLong()).isEqualTo(expected.budget().counts().good());
        // weather's 10 failing minutes after the deploy window and search's 60: both inside the 30 days
        assertThat(prod.path("budget").path("consumedEvents").asLong()).isEqualTo(70);
        assertThat(prod.path("attainment").asDouble()).isEqualTo(expected.budget().attainment());
        // 99.9% as written is 99.9 / 100, a float's width from 0.999
        assertThat(prod.path("budget").path("remaining").asDouble()).isCloseTo(expected.budget().remaining(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(prod.path("budget").path("allowedMinutes").asDouble()).isEqualTo(43.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(prod.path("burnRates").path("1h").asDouble()).isZero();
        assertThat(prod.path("alerts")).hasSize(3).allMatch(a -> !a.path("burning").asBoolean());

        JsonNode docs = items.get(1);
        Slo docsSlo = new SloSettings("docs-latency", null, "docs", null, Objective.LATENCY, 0.99, Duration.ofDays(7), Duration.ofMillis(800),
                null, null, null).slo();
        SloStatus docsExpected = SloStatus.evaluate(docsSlo, months.h.new Rollups(List.of("docs"), ms -> ms < 800)
                .source(Objective.LATENCY, TimeSet.EMPTY), now);
        // every healthy probe took 120 ms; the open outage's failures are availability's, not latency's
        assertThat(docs.path("events").asLong()).isEqualTo(docsExpected.budget().counts().total()).isEqualTo(7 * 1_440 - 31);
        assertThat(docs.path("attainment").asDouble()).isEqualTo(1.0);
    }

    @Test
    void thePageShowsThirteenMonthsTheirChartsTheSlosAndTheIncidentsBehindAMonth() throws Exception {
        WebFixture.Response page = operator.get("/reliability");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("server-timing")).matches("db;dur=[0-9.]+, render;dur=[0-9.]+");
        String body = page.body();
        assertThat(body).contains("<h1>Reliability <span class=\"muted\">· all monitors</span></h1>");
        Matcher rows = Pattern.compile("<tr><th scope=\"row\"><a href=\"/reliability\\?month=(\\d{4}-\\d{2})#incidents\">").matcher(body);
        List<String> shown = rows.results().map(m -> m.group(1)).toList();
        assertThat(shown).hasSize(13).startsWith("2026-11", "2026-10").endsWith("2025-11");
        assertThat(body).contains("<figure class=\"chart record\">").contains("Availability per month")
                .contains("Incidents per month by severity").contains("MTTD and MTTR medians per month.");
        assertThat(body).contains("Prod availability").contains("<polyline points=");
        // November's incidents: weather (after the deploy), search's P2, docs' open outage — not the P3 warning
        assertThat(body).contains("Incidents detected in 2026-11");
        assertThat(Pattern.compile("<a href=\"/incidents/\\d+\">#\\d+</a>").matcher(body).results().count()).isEqualTo(3);
        assertThat(body).contains("dns / dns_unresolved").contains("open");

        String october = operator.get("/reliability?tag=prod&month=2026-10").body();
        assertThat(october).contains("Incidents detected in 2026-10").contains("href=\"/reliability?tag=prod&amp;month=2026-09#incidents\"");
        assertThat(Pattern.compile("<a href=\"/incidents/\\d+\">#\\d+</a>").matcher(october).results().count()).isEqualTo(2);
        assertThat(october).contains("remediated");
    }

    @Test
    void aStatusPageShowsTheAttainmentOfTheSlosMarkedForItAndNothingElseOfThem() throws Exception {
        WebFixture.Response page = web.client().get("/status/public");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Service level objectives")
                .contains("<dt>docs-latency: 99.000 % probes under 800 ms over 7d</dt><dd>100.000 %</dd>")
                .doesNotContain("Prod availability").doesNotContain("budget").doesNotContain("burn");
        JsonNode json = Json.MAPPER.readTree(web.client().get("/status/public/status.json").body());
        assertThat(json.path("objectives")).hasSize(1);
        assertThat(json.path("objectives").get(0).path("attainment").asDouble()).isEqualTo(1.0);
    }

    @Test
    void thePageRefusesAMonthItDoesNotShowAndNeedsALogin() throws Exception {
        WebFixture.Response old = operator.get("/reliability?month=2024-01");
        assertThat(old.status()).isEqualTo(400);
        assertThat(old.body()).contains("month must be one of the 13 months shown, 2025-11 to 2026-11; got 2024-01");
        assertThat(web.client().get("/reliability").status()).isEqualTo(303);
    }
}
