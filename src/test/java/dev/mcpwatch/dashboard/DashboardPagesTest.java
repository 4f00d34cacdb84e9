package dev.mcpwatch.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' pages as an operator reads them: the overview with its filters and paging, a
 * monitor's waterfall, charts, bars, tools and their changes, incidents and failed probes, and an
 * incident's timeline — including events of kinds the dashboard does not know yet.
 */
class DashboardPagesTest {
    @TempDir
    Path dir;

    private WebFixture web;

    @AfterEach
    void stop() {
        web.close();
    }

    @Test
    void theOverviewShowsStateSeverityFailingLayerLatencyAndUptimeOfEachMonitor() throws Exception {
        web = WebFixture.start(dir, """
                monitors:
                  - {id: weather, name: Weather API, url: 'http://127.0.0.1:9/mcp', interval: 24h, tags: [prod]}
                  - {id: search, url: 'http://127.0.0.1:9/mcp', interval: 24h, tags: [prod, team-a]}
                  - {id: fresh, url: 'http://127.0.0.1:9/mcp', interval: 24h}
                """);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) {
            web.record("weather", Results.failed(Instant.ofEpochMilli(now - 60_000 + i * 10_000L)));
        }
        for (int i = 0; i < 20; i++) {
            web.record("search", Results.healthy(Instant.ofEpochMilli(now - 600_000 + i * 20_000L), 10 + 10 * i));
        }
        web.record("search", Results.failed(Instant.ofEpochMilli(now - 5_000), Reason.TIMEOUT, Phase.INITIALIZE,
                "Timeout after 10000 ms in initialize"));
        var operator = web.loggedIn();

        var page = operator.get("/");
        String html = page.body();

        assertThat(page.header("Server-Timing")).matches("db;dur=[0-9.]+, render;dur=[0-9.]+");
        assertThat(html).contains("3 monitors", "1 down", "1 suspect", "1 unknown");
        assertThat(row(html, "weather")).contains("state-down", "P1", "tcp", "connection_refused", "Connection refused to 127.0.0.1:9",
                "0%");
        assertThat(row(html, "search")).contains("state-suspect", "time", "timeout", "Timeout after 10000 ms in initialize", "100 ms", "95.2%")
                .as("p95 of 10…200 ms, within the sketch's 1%").containsPattern("<td class=\"num\" data-label=\"p95\">19[0-2] ms</td>");
        assertThat(row(html, "fresh")).contains("state-unknown", "never");
        assertThat(ids(operator.get("/?status=down").body())).containsExactly("weather");
        assertThat(ids(operator.get("/?tag=team-a").body())).containsExactly("search");
        assertThat(ids(operator.get("/?q=WEATHER+api").body())).containsExactly("weather");
        assertThat(operator.get("/?status=broken").status()).isEqualTo(400);
    }

    @Test
    void anAuthWalledServerIsItsOwnStateAndItsPageSaysWhatTheMetadataSaid() throws Exception {
        try (FixtureServer walled = FixtureServer.http(http -> {
            String origin = "http://" + http.header("Host");
            if (http.path().equals("/.well-known/oauth-protected-resource/mcp")) {
                http.respond(200, "application/json", "{\"resource\":\"" + origin + "/mcp\","
                        + "\"authorization_servers\":[\"https://auth.example.com\"],\"scopes_supported\":[\"tools:read\"]}");
                return;
            }
            http.setHeader("WWW-Authenticate", "Bearer resource_metadata=\"" + origin
                    + "/.well-known/oauth-protected-resource/mcp\", error=\"invalid_token\"");
            http.respond(401, "application/json", "{\"error\":\"invalid_token\"}");
        })) {
            web = WebFixture.start(dir, "monitors:\n  - {id: crm, name: CRM, url: '%s'}\n".formatted(walled.url("/mcp")), null,
                    Duration.ofSeconds(1));
            var operator = web.loggedIn();
            ServeFixture.await("crm confirmed behind its wall", Duration.ofSeconds(20),
                    () -> Databases.count(web.app().database(), "SELECT COUNT(*) FROM monitor_state WHERE status = 'auth-walled'") == 1);

            String overview = operator.get("/").body();
            String page = operator.get("/monitors/crm").body();

            assertThat(row(overview, "crm")).contains("<span class=\"pill state-auth-walled\">auth-walled</span>", "auth_required")
                    .doesNotContain("state-down");
            assertThat(overview).contains("1 auth-walled");
            assertThat(section(page, "auth")).contains("Authentication required", "HTTP 401", "Bearer", "invalid_token",
                    "/.well-known/oauth-protected-resource/mcp</code> — found", "<code>https://auth.example.com</code>", "tools:read");
            assertThat(operator.get("/?status=auth-walled").body()).contains("/monitors/crm");
        }
    }

    @Test
    void pagingWalksEveryMonitorOnceWhateverTheFilter() throws Exception {
        StringBuilder yaml = new StringBuilder("monitors:\n");
        for (int i = 0; i < 25; i++) {
            yaml.append("  - {id: m-%02d, url: 'http://127.0.0.1:9/mcp', interval: 24h%s}\n".formatted(i, i % 2 == 0 ? ", tags: [even]" : ""));
        }
        web = WebFixture.start(dir, yaml.toString());
        var operator = web.loggedIn();

        List<String> all = walk(operator, "/?limit=10");
        List<String> even = walk(operator, "/?tag=even&limit=10");

        assertThat(all).hasSize(25).doesNotHaveDuplicates().isSorted();
        assertThat(even).hasSize(13).allMatch(id -> Integer.parseInt(id.substring(2)) % 2 == 0);
    }

    @Test
    void theMonitorPageShowsTheLastProbeHistoryToolChangesIncidentsAndFailures() throws Exception {
        web = WebFixture.start(dir, "monitors:\n  - {id: api, name: The API, url: 'http://127.0.0.1:9/mcp', interval: 24h}\n");
        long now = System.currentTimeMillis();
        var v1 = Results.toolList(List.of(
                Json.MAPPER.readTree("{\"name\":\"search\",\"description\":\"Search\",\"inputSchema\":{\"type\":\"object\","
                        + "\"properties\":{\"q\":{\"type\":\"string\"},\"limit\":{\"type\":\"string\"}},\"required\":[\"q\"]}}"),
                Json.MAPPER.readTree("{\"name\":\"legacy\",\"inputSchema\":{\"type\":\"object\"}}")));
        var v2 = Results.toolList(List.of(
                Json.MAPPER.readTree("{\"name\":\"search\",\"description\":\"Search everything\",\"inputSchema\":{\"type\":\"object\","
                        + "\"properties\":{\"q\":{\"type\":\"string\"},\"limit\":{\"type\":\"number\"},\"lang\":{\"type\":\"string\"}},"
                        + "\"required\":[\"q\",\"lang\"]}}"),
                Json.MAPPER.readTree("{\"name\":\"summarize\",\"inputSchema\":{\"type\":\"object\"}}")));
        web.record("api", Results.healthy(Instant.ofEpochMilli(now - 3_600_000), 50, v1));
        for (int i = 0; i < 3; i++) {
            web.record("api", Results.failed(Instant.ofEpochMilli(now - 1_800_000 + i * 10_000L), Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST,
                    "tools/list failed: -32603 upstream registry unavailable"));
        }
        web.record("api", Results.healthy(Instant.ofEpochMilli(now - 60_000), 80, v2));
        var last = web.record("api", Results.healthy(Instant.ofEpochMilli(now - 30_000), 80, v2));
        long incident = last.incidentId();
        var operator = web.loggedIn();

        String html = operator.get("/monitors/api").body();

        assertThat(html).contains("<h2 id=\"last\">Last probe</h2>", "healthy", "server <span class=\"server-name\">fixture 1.0.0</span>");
        assertThat(section(html, "last")).contains(">connect<", ">initialize<", ">tools_list<", "HTTP 200, json, first byte 32 ms",
                "class=\"wait\"", "class=\"ph-initialize\"");
        assertThat(section(html, "chart")).contains("<svg viewBox=\"0 0 720 180\" role=\"img\"", "class=\"ph-tools_list\"");
        assertThat(section(html, "days").split("tabindex=\"0\"")).hasSize(91);
        assertThat(section(html, "tools")).contains("Tools (2)", "<code class=\"tool-name\">summarize</code>",
                "q: string (required), limit: number, lang: string (required)");
        // The drift detector's differ tells the history: it sees that `legacy` became `summarize` with the same schema.
        assertThat(section(html, "tools")).contains(
                "<strong>breaking</strong> <code>legacy</code> tool renamed: <span class=\"detail\">tool `legacy` was renamed to `summarize` (same schema)",
                "<strong>breaking</strong> <code>search</code> type changed: <span class=\"detail\">parameter `limit` of tool `search` changed type from string to number",
                "<strong>breaking</strong> <code>search</code> parameter added: <span class=\"detail\">tool `search` has a new required parameter `lang`",
                "<code>search</code> description changed: <span class=\"detail\">description of tool `search` changed: \"Search\" → \"Search everything\"",
                "First list seen.");
        assertThat(section(html, "incidents")).contains("/incidents/" + incident, "tools_list_error", "resolved",
                "Incident opened (P2): tools_list_error in tools_list", "Resolved: recovered");
        assertThat(section(html, "failures")).contains("tools/list failed: -32603 upstream registry unavailable", "<details class=\"failure\">",
                "\"reason\" : \"tools_list_error\"");
    }

    @Test
    void theIncidentPageShowsEveryEventIncludingKindsItDoesNotKnowAndTakesStatusUpdates() throws Exception {
        web = WebFixture.start(dir, "monitors:\n  - {id: api, name: The API, url: 'http://127.0.0.1:9/mcp', interval: 24h}\n");
        long now = System.currentTimeMillis();
        ResultRecorderShim r = new ResultRecorderShim();
        for (int i = 0; i < 3; i++) {
            var recorded = web.record("api", Results.failed(Instant.ofEpochMilli(now - 60_000 + i * 10_000L)));
            if (recorded.incidentId() != null) {
                r.id = recorded.incidentId();
            }
        }
        // What alerting and detection will write: the page must show them without knowing them.
        event(r.id, now - 20_000, "severity_changed", "{\"from\":\"P2\",\"to\":\"P1\",\"why\":\"tools/list empty\"}");
        event(r.id, now - 15_000, "delivery", "{\"channel\":\"pagerduty\",\"outcome\":\"delivered\",\"attempt\":1}");
        event(r.id, now - 10_000, "remediation_hook", "{\"command\":\"systemctl restart mcp\",\"exit\":0}");
        var operator = web.loggedIn();

        String html = operator.get("/incidents/" + r.id).body();

        assertThat(html).contains("Incident #" + r.id, "P1", "connection_refused", "Connection refused to 127.0.0.1:9");
        assertThat(section(html, "timeline")).contains("Incident opened (P1): connection_refused in connect",
                "Status update: investigating", "Severity changed from P2 to P1", "Alert delivery via pagerduty: delivered",
                "<strong>remediation hook</strong>", "<dt>command</dt><dd>systemctl restart mcp</dd>");
        assertThat(section(html, "severity")).contains("Severity changed from P2 to P1");
        assertThat(section(html, "deliveries")).contains("No deliveries recorded");
        assertThat(html).as("the acknowledge button of an open incident").contains("/incidents/" + r.id + "/ack\"");

        var posted = operator.post("/incidents/" + r.id + "/updates", Map.of("status", "identified", "message", "Upstream DNS is down."));
        assertThat(posted.status()).isEqualTo(303);
        assertThat(section(operator.get("/incidents/" + r.id).body(), "updates")).contains("Status update: identified",
                "Upstream DNS is down.", "by admin", "Status update: investigating", "by mcpwatch");
        var empty = operator.post("/incidents/" + r.id + "/updates", Map.of("status", "identified", "message", " "));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("message must have 1 to 4000 characters");
        operator.get("/incidents/" + r.id);
        var ack = operator.post("/incidents/" + r.id + "/ack", Map.of());
        assertThat(ack.status()).as("acknowledged, and back to the incident").isEqualTo(303);
        assertThat(section(operator.get("/incidents/" + r.id).body(), "timeline")).contains("Acknowledged by admin");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void event(long incident, long at, String kind, String detail) throws Exception {
        web.app().database().transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO incident_events (incident_id, at, kind, detail) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, incident);
                ps.setLong(2, at);
                ps.setString(3, kind);
                ps.setString(4, detail);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static final class ResultRecorderShim {
        long id;
    }

    /** The table row of a monitor on the overview. */
    private static String row(String html, String id) {
        Matcher m = Pattern.compile("<tr[^>]*>\\s*<th scope=\"row\"><a href=\"/monitors/" + id + "\">.*?</tr>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("a row for " + id).isTrue();
        return m.group();
    }

    /** A section of the monitor or incident page, by the id of its heading. */
    private static String section(String html, String id) {
        int start = html.indexOf("<h2 id=\"" + id + "\"");
        assertThat(start).as("section " + id).isNotNegative();
        int end = html.indexOf("</section>", start);
        return html.substring(start, end);
    }

    private static List<String> ids(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<th scope=\"row\"><a href=\"/monitors/([^\"]+)\">").matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static List<String> walk(WebFixture.Client client, String first) throws Exception {
        List<String> seen = new ArrayList<>();
        Set<String> links = new HashSet<>();
        String path = first;
        while (path != null) {
            String html = client.get(path).body();
            seen.addAll(ids(html));
            Matcher next = Pattern.compile("<a rel=\"next\" href=\"([^\"]+)\">").matcher(html);
            path = next.find() ? next.group(1).replace("&amp;", "&") : null;
            assertThat(path == null || links.add(path)).as("a page link never repeats").isTrue();
        }
        return seen;
    }
}
