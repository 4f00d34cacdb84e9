package dev.mcpwatch.config;

import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code web:} and {@code status_pages:} in the configuration, checked like the rest: one problem per mistake, by path. */
class WebSettingsTest {

    private static McpwatchConfig load(String yaml) throws ConfigException {
        return new ConfigLoader(Map.<String, String>of()::get).loadText(yaml, "test.yaml");
    }

    @Test
    void statusPagesAndSessionSettingsAreRead() throws Exception {
        McpwatchConfig c = load("""
                monitors:
                  - {id: api, url: 'https://api.example.com/mcp'}
                web: {trust_proxy: true, session_idle: 30m, session_max: 1d}
                status_pages:
                  - {slug: public, title: Acme, description: Our servers, monitors: [api, added-from-dashboard]}
                  - {slug: internal, monitors: [api]}
                """);

        assertThat(c.web().trustProxy()).isTrue();
        assertThat(c.web().sessionIdle()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.web().sessionMax()).isEqualTo(Duration.ofDays(1));
        assertThat(c.web().statusPages()).extracting(WebSettings.StatusPageConfig::slug).containsExactly("public", "internal");
        assertThat(c.web().statusPage("internal").orElseThrow().title()).as("the slug when no title").isEqualTo("internal");
        assertThat(c.web().isPublic("added-from-dashboard")).isTrue();
        assertThat(c.web().apiEnvAllow()).as("none unless listed").isEmpty();
        assertThat(c.web().allowsApiEnv("HOME")).isFalse();
        WebSettings allowing = load("web: {api_env_allow: [MCP_TOKEN, \"TEAM_A_*\"]}\n").web();
        assertThat(allowing.allowsApiEnv("MCP_TOKEN")).isTrue();
        assertThat(allowing.allowsApiEnv("MCP_TOKEN_2")).as("a name is exact").isFalse();
        assertThat(allowing.allowsApiEnv("TEAM_A_KEY")).as("a prefix").isTrue();
        assertThat(allowing.allowsApiEnv("MCPWATCH_DB_PASSWORD")).isFalse();
        assertThat(load("monitors: []\n").web()).isEqualTo(WebSettings.DEFAULT);
    }

    @Test
    void everyMistakeIsReportedByItsPath() {
        assertThatThrownBy(() -> load("""
                web: {trust_proxy: maybe, session_idle: 1m, sesion_max: 1d, api_env_allow: [MCP_TOKEN, "*", MCP-KEY, "MCP_*"]}
                status_pages:
                  - {slug: Public Page, monitors: [api]}
                  - {slug: ok, monitors: []}
                  - {slug: ok, monitors: [api]}
                  - {title: no slug}
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Problem::toString)
                        .containsExactlyInAnyOrder(
                                "test.yaml: web.sesion_max: unknown setting (did you mean session_max?); allowed here: api_env_allow, "
                                        + "metrics, session_idle, session_max, trust_proxy",
                                "test.yaml: web.api_env_allow[1]: must be a variable name (MCP_TOKEN) or a prefix ending in * (MCP_*), got '*'; "
                                        + "* alone would let the API read every secret of mcpwatch's environment",
                                "test.yaml: web.api_env_allow[2]: must be a variable name (MCP_TOKEN) or a prefix ending in * (MCP_*), got 'MCP-KEY'",
                                "test.yaml: web.session_idle: must be at least 5m, got 1m",
                                "test.yaml: web.trust_proxy: must be true or false, got 'maybe'",
                                "test.yaml: status_pages[0].slug: must be lower-case letters, digits or '-' (at most 63), starting with a letter "
                                        + "or digit; got 'Public Page'",
                                "test.yaml: status_pages[1].monitors: must list at least one monitor id",
                                "test.yaml: status_pages[2].slug: duplicate status page 'ok' (also in test.yaml)",
                                "test.yaml: status_pages[3].slug: is required",
                                "test.yaml: status_pages[3].monitors: must list at least one monitor id"));
    }

    @Test
    void theExampleConfigurationHasAStatusPage() throws Exception {
        McpwatchConfig c = new ConfigLoader(Map.<String, String>of()::get).load(Path.of("examples/mcpwatch.yaml"));

        assertThat(c.web().statusPages()).singleElement().satisfies(p -> {
            assertThat(p.slug()).isEqualTo("public");
            assertThat(p.monitors()).as("only what a first run watches").containsExactly("everything");
        });
    }
}
