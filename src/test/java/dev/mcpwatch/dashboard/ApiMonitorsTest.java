package dev.mcpwatch.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Monitors added, edited, paused and deleted from the dashboard and the API, beside those of the
 * configuration file: the file's stay the file's, header values are environment references that no
 * database holds, and a monitor added here is probed like any other.
 */
class ApiMonitorsTest {
    private static final String YAML = """
            monitors:
              - {id: from-file, url: 'http://127.0.0.1:9/mcp', interval: 24h}
            web:
              api_env_allow: [HOME, "MCPWATCH_TEST_*"]
            """;

    @TempDir
    Path dir;

    private WebFixture web;
    private WebFixture.Client operator;
    private Map<String, String> csrf;

    @BeforeEach
    void start() throws Exception {
        web = WebFixture.start(dir, YAML);
        operator = web.loggedIn();
        operator.get("/");
        csrf = Map.of("X-CSRF-Token", operator.csrf());
    }

    @AfterEach
    void stop() {
        web.close();
    }

    @Test
    void aMonitorAddedThroughTheApiIsProbedWithItsHeaderReadFromTheEnvironment() throws Exception {
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy())) {
            var created = operator.json("POST", "/api/monitors", """
                    {"id": "added", "name": "Added from the API", "url": "%s", "interval": "10s",
                     "headers": {"Authorization": "Bearer ${HOME}"}, "tags": ["api"]}""".formatted(server.url("/mcp")), csrf);

            assertThat(created.status()).as(created.body()).isEqualTo(201);
            JsonNode body = Json.MAPPER.readTree(created.body());
            assertThat(body.path("source").asString()).isEqualTo("api");
            assertThat(body.path("config").path("headers").path("Authorization").asString()).isEqualTo("(redacted)");
            ServeFixture.await("the first probe of the new monitor", Duration.ofSeconds(30),
                    () -> server.requests().stream().anyMatch(r -> "POST".equals(r.method())));
            assertThat(server.requests().getFirst().header("Authorization")).isEqualTo("Bearer " + System.getenv("HOME"));
            assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM api_monitors WHERE definition LIKE ?",
                    "%Bearer ${HOME}%")).as("the reference is stored, not its value").isEqualTo(1);
            assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM monitors WHERE config LIKE ? OR config LIKE ?",
                    "%" + System.getenv("HOME") + "%", "%${HOME}%")).isZero();
        }
    }

    @Test
    void aHeaderValueMustBeAnEnvironmentReferenceAndNoOtherFieldMayReadTheEnvironment() throws Exception {
        var literal = operator.json("POST", "/api/monitors",
                "{\"id\":\"x\",\"url\":\"http://127.0.0.1:9/mcp\",\"headers\":{\"Authorization\":\"Bearer abc123\"}}", csrf);
        var leak = operator.json("POST", "/api/monitors", "{\"id\":\"x\",\"name\":\"${MCPWATCH_DB_PASSWORD}\",\"url\":\"http://127.0.0.1:9/mcp\"}",
                csrf);
        var unset = operator.json("POST", "/api/monitors",
                "{\"id\":\"x\",\"url\":\"http://127.0.0.1:9/mcp\",\"headers\":{\"X-Key\":\"${MCPWATCH_TEST_NO_SUCH_VARIABLE}\"}}", csrf);
        var stdio = operator.json("POST", "/api/monitors", "{\"id\":\"x\",\"transport\":\"stdio\",\"command\":[\"rm\",\"-rf\",\"/\"]}", csrf);
        var shortInterval = operator.json("POST", "/api/monitors", "{\"id\":\"x\",\"url\":\"http://127.0.0.1:9/mcp\",\"interval\":\"1s\"}", csrf);
        var oauth = operator.json("POST", "/api/monitors", "{\"id\":\"x\",\"url\":\"http://127.0.0.1:9/mcp\","
                + "\"auth\":{\"grant\":\"client_credentials\",\"client_id\":\"c\"}}", csrf);

        assertThat(literal.body()).contains("headers.Authorization: must be an environment variable reference like ${MCP_TOKEN}");
        assertThat(leak.body()).contains("name: environment variable references are only allowed in header values");
        assertThat(unset.body()).contains("headers.X-Key: environment variable MCPWATCH_TEST_NO_SUCH_VARIABLE is not set");
        assertThat(stdio.body()).contains("stdio monitors (commands) can only be defined in the configuration file");
        assertThat(shortInterval.body()).contains("interval: must be at least 10s, got 1s");
        assertThat(oauth.body()).contains("auth: OAuth settings can only be defined in the configuration file");
        for (var r : java.util.List.of(literal, leak, unset, stdio, shortInterval, oauth)) {
            assertThat(r.status()).isEqualTo(400);
        }
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM api_monitors")).isZero();
    }

    @Test
    void aHeaderMayReferenceOnlyVariablesTheFileAllowsSoNoApiUserCanSendMcpwatchsOwnSecretsAway() throws Exception {
        var secret = operator.json("POST", "/api/monitors", "{\"id\":\"x\",\"url\":\"http://127.0.0.1:9/mcp\","
                + "\"headers\":{\"X-Secret\":\"${WEBHOOK_SECRET}\"}}", csrf);
        var byPrefix = operator.json("POST", "/api/monitors", "{\"id\":\"y\",\"url\":\"http://127.0.0.1:9/mcp\","
                + "\"headers\":{\"X-Key\":\"Bearer ${MCPWATCH_TEST_UNSET_TOKEN}\"}}", csrf);
        var form = operator.post("/monitors", Map.of("id", "z", "url", "http://127.0.0.1:9/mcp", "transport", "streamable-http",
                "protocol", "auto", "interval", "24h", "headers", "X-Db: ${MCPWATCH_DB_PASSWORD}"));

        assertThat(secret.status()).isEqualTo(400);
        assertThat(secret.body()).contains("headers.X-Secret: environment variable WEBHOOK_SECRET is not allowed; monitors added from "
                + "the dashboard or the API may reference only the variables the configuration file lists in web.api_env_allow");
        assertThat(byPrefix.status()).as("allowed by the prefix MCPWATCH_TEST_*, then resolved like any reference").isEqualTo(400);
        assertThat(byPrefix.body()).contains("headers.X-Key: environment variable MCPWATCH_TEST_UNSET_TOKEN is not set")
                .doesNotContain("not allowed");
        assertThat(form.status()).isEqualTo(400);
        assertThat(form.body()).contains("environment variable MCPWATCH_DB_PASSWORD is not allowed");
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM api_monitors")).isZero();
    }

    @Test
    void outOfTheBoxAnApiMonitorMayReferenceNoVariableAtAll() throws Exception {
        web.close();
        web = WebFixture.start(dir.resolve("default"), "monitors:\n  - {id: from-file, url: 'http://127.0.0.1:9/mcp', interval: 24h}\n");
        operator = web.loggedIn();
        operator.get("/");
        csrf = Map.of("X-CSRF-Token", operator.csrf());

        var home = operator.json("POST", "/api/monitors", "{\"id\":\"x\",\"url\":\"http://127.0.0.1:9/mcp\","
                + "\"headers\":{\"Authorization\":\"Bearer ${HOME}\"}}", csrf);

        assertThat(home.status()).isEqualTo(400);
        assertThat(home.body()).contains("headers.Authorization: environment variable HOME is not allowed");
    }

    @Test
    void aMonitorOfTheFileCannotBeChangedFromTheDashboardOrTheApi() throws Exception {
        var put = operator.json("PUT", "/api/monitors/from-file", "{\"url\":\"http://127.0.0.1:9/other\"}", csrf);
        var delete = operator.json("DELETE", "/api/monitors/from-file", null, csrf);
        var create = operator.json("POST", "/api/monitors", "{\"id\":\"from-file\",\"url\":\"http://127.0.0.1:9/mcp\"}", csrf);
        var edit = operator.get("/monitors/from-file/edit");
        var page = operator.get("/monitors/from-file");

        assertThat(put.status()).isEqualTo(400);
        assertThat(put.body()).contains("monitor 'from-file' is defined in the configuration file; change it there");
        assertThat(delete.status()).isEqualTo(400);
        assertThat(create.status()).isEqualTo(400);
        assertThat(edit.status()).isEqualTo(404);
        assertThat(page.body()).contains("Defined in the configuration file").doesNotContain("/monitors/from-file/edit");
    }

    @Test
    void addEditPauseAndDeleteFromTheDashboardForms() throws Exception {
        operator.get("/monitors/new");
        var added = operator.post("/monitors", Map.of("id", "dash", "name", "From the dashboard", "url", "http://127.0.0.1:9/mcp",
                "transport", "streamable-http", "protocol", "auto", "interval", "24h", "tags", "beta, team-a", "min_tools", "2",
                "tools", "search", "headers", "Authorization: Bearer ${HOME}"));
        assertThat(added.status()).as(added.body()).isEqualTo(303);
        assertThat(added.header("Location")).isEqualTo("/monitors/dash");

        var page = operator.get("/monitors/dash");
        assertThat(page.body()).contains("From the dashboard", "/monitors/dash/edit", ">Pause<", "beta", "team-a");
        var form = operator.get("/monitors/dash/edit").body();
        assertThat(form).contains("value=\"beta, team-a\"", "Authorization: Bearer ${HOME}");

        var refused = operator.post("/monitors/dash", Map.of("url", "not a url", "interval", "24h"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("url: must be an http:// or https:// URL");
        operator.get("/monitors/dash/edit");
        var edited = operator.post("/monitors/dash", Map.of("name", "Renamed", "url", "http://127.0.0.1:9/v2", "interval", "12h"));
        assertThat(edited.status()).isEqualTo(303);
        assertThat(operator.get("/monitors/dash").body()).contains("Renamed", "http://127.0.0.1:9/v2");

        operator.post("/monitors/dash/pause", Map.of());
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM monitors WHERE id = 'dash' AND paused = ?", true)).isEqualTo(1);
        assertThat(operator.get("/monitors/dash").body()).contains(">Resume<");
        operator.post("/monitors/dash/resume", Map.of());
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM monitors WHERE id = 'dash' AND paused = ?", false)).isEqualTo(1);

        for (int i = 0; i < 3; i++) {
            web.app().recorder().record(registryMonitor("dash"), Results.failed(Instant.now().minusSeconds(30 - i)),
                    System.currentTimeMillis());
        }
        operator.get("/monitors/dash");
        assertThat(operator.post("/monitors/dash/delete", Map.of()).header("Location")).isEqualTo("/");
        assertThat(operator.get("/").body()).doesNotContain("Renamed");
        assertThat(operator.get("/monitors/dash").body()).as("history stays").contains("was removed");
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM incidents WHERE monitor_id = 'dash' AND status = 'resolved' "
                + "AND resolution = 'monitor removed'")).isEqualTo(1);
    }

    private dev.mcpwatch.config.MonitorConfig registryMonitor(String id) {
        return Results.monitors("monitors:\n  - {id: " + id + ", url: 'http://127.0.0.1:9/v2'}\n").getFirst();
    }
}
