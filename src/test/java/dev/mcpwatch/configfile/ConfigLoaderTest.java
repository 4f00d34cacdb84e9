package dev.mcpwatch.configfile;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.oauth.OAuthSettings;
import dev.mcpwatch.probe.Transport;
import dev.mcpwatch.testkit.Examples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * mcpwatch's configuration as an operator writes it: one YAML file or a folder of them, {@code ${ENV}}
 * references, defaults that every monitor inherits and may override, and for every mistake a
 * problem that names the file, the path in it and what is wrong — all of a file's problems at once.
 */
class ConfigLoaderTest {
    private static final Map<String, String> NO_ENV = Map.of();

    @TempDir
    Path dir;

    // ---- defaults ---------------------------------------------------------------------------

    @Test
    void aMinimalFileGetsTheBuiltInDefaults() throws Exception {
        McpwatchConfig config = load(NO_ENV, """
                monitors:
                  - id: everything
                    url: http://127.0.0.1:3001/mcp
                """);

        assertThat(config.server()).isEqualTo(ServerSettings.DEFAULT);
        assertThat(config.storage()).isEqualTo(StorageSettings.DEFAULT);
        MonitorConfig m = config.monitors().getFirst();
        assertThat(m.id()).isEqualTo("everything");
        assertThat(m.name()).as("the name defaults to the id").isEqualTo("everything");
        assertThat(m.transport()).isEqualTo(Transport.STREAMABLE_HTTP);
        assertThat(m.protocol()).as("auto").isNull();
        assertThat(m.interval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(m.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(m.initializeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(m.retryInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(m.failureThreshold()).isEqualTo(3);
        assertThat(m.successThreshold()).isEqualTo(2);
        assertThat(m.minTools()).isEqualTo(1);
        assertThat(m.paused()).isFalse();
        assertThat(config.source()).isEqualTo(dir.resolve("mcpwatch.yaml").toString());
    }

    @Test
    void defaultsApplyToEveryMonitorAndEachMonitorMayOverrideThem() throws Exception {
        McpwatchConfig config = load(NO_ENV, """
                defaults:
                  interval: 30s
                  timeout: 20s
                  retry_interval: 5s
                  thresholds: {failure: 5}
                  expect: {min_tools: 2}
                  headers: {X-Team: platform}
                  tags: [prod]
                monitors:
                  - id: inherits
                    url: https://a.example.com/mcp
                  - id: overrides
                    url: https://b.example.com/mcp
                    interval: 2m
                    thresholds: {success: 4}
                    headers: {X-Region: eu}
                    tags: [staging]
                    paused: true
                    allow_insecure_redirect: true
                """);

        MonitorConfig inherits = config.monitor("inherits").orElseThrow();
        assertThat(inherits.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(inherits.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(inherits.retryInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(inherits.failureThreshold()).isEqualTo(5);
        assertThat(inherits.successThreshold()).as("not in defaults: built in").isEqualTo(2);
        assertThat(inherits.minTools()).isEqualTo(2);
        assertThat(inherits.headers()).containsExactlyEntriesOf(Map.of("X-Team", "platform"));
        assertThat(inherits.tags()).containsExactly("prod");

        MonitorConfig overrides = config.monitor("overrides").orElseThrow();
        assertThat(overrides.interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(overrides.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(overrides.failureThreshold()).as("one threshold overridden, the other inherited").isEqualTo(5);
        assertThat(overrides.successThreshold()).isEqualTo(4);
        assertThat(overrides.headers()).as("headers add to the defaults' headers")
                .containsOnly(Map.entry("X-Team", "platform"), Map.entry("X-Region", "eu"));
        assertThat(overrides.tags()).as("a list replaces the default list").containsExactly("staging");
        assertThat(overrides.paused()).isTrue();
        assertThat(overrides.toProbeSpec().allowInsecureRedirect()).as("https → http redirects, followed with a warning").isTrue();
        assertThat(inherits.toProbeSpec().allowInsecureRedirect()).as("refused by default").isFalse();
    }

    // ---- ${ENV} -----------------------------------------------------------------------------

    @Test
    void environmentReferencesAreReplacedAndFallbacksUsedWhenUnset() throws Exception {
        Map<String, String> env = Map.of("WEATHER_TOKEN", "s3cret-token", "API_PORT", "9090", "HOST", "weather.example.com",
                "MCPWATCH_DB_URL", "jdbc:postgresql://db.internal:5432/mcpwatch");
        McpwatchConfig config = load(env, """
                server:
                  port: ${API_PORT}
                storage:
                  url: ${MCPWATCH_DB_URL:-jdbc:sqlite:./data/mcpwatch.db}
                  username: ${MCPWATCH_DB_USER:-mcpwatch}
                monitors:
                  - id: weather
                    url: https://${HOST}/mcp
                    interval: ${WEATHER_INTERVAL:-45s}
                    headers:
                      Authorization: Bearer ${WEATHER_TOKEN}
                      X-Empty: ${UNSET_BUT_OPTIONAL:-}
                """);

        assertThat(config.server().port()).isEqualTo(9090);
        assertThat(config.storage().url()).isEqualTo("jdbc:postgresql://db.internal:5432/mcpwatch");
        assertThat(config.storage().isPostgres()).isTrue();
        assertThat(config.storage().username()).isEqualTo("mcpwatch");
        MonitorConfig m = config.monitors().getFirst();
        assertThat(m.url()).isEqualTo("https://weather.example.com/mcp");
        assertThat(m.interval()).isEqualTo(Duration.ofSeconds(45));
        assertThat(m.headers()).containsEntry("Authorization", "Bearer s3cret-token").containsEntry("X-Empty", "");
        assertThat(m.toString()).as("secrets stay out of logs").doesNotContain("s3cret-token");
        assertThat(m.redactedHeaders().toString()).doesNotContain("s3cret-token");
    }

    @Test
    void anUnsetVariableIsAProblemNamingItAndWhereItIsUsed() throws Exception {
        List<Problem> problems = problems(NO_ENV, """
                monitors:
                  - id: weather
                    url: https://weather.example.com/mcp
                    headers:
                      Authorization: Bearer ${WEATHER_TOKEN}
                """);

        assertThat(problems).containsExactly(
                new Problem(file(), "monitors[0].headers.Authorization", "environment variable WEATHER_TOKEN is not set"));
    }

    @Test
    void aValueFromTheEnvironmentIsCheckedAsIfItWereWrittenThere() throws Exception {
        Map<String, String> env = Map.of("API_PORT", "70000", "PAUSED", "maybe", "FAILURES", "5");
        List<Problem> problems = problems(env, """
                server:
                  port: ${API_PORT}
                monitors:
                  - id: a
                    url: https://a.example.com/mcp
                    paused: ${PAUSED}
                    thresholds: {failure: "${FAILURES}"}
                """);

        assertThat(problems).extracting(Problem::toString).containsExactlyInAnyOrder(
                file() + ": server.port: must be between 0 and 65535, got 70000",
                file() + ": monitors[0].paused: must be true or false, got 'maybe'");
    }

    @Test
    void quotedNumbersAndBooleansAreReadAsWrittenAndAnEmptyKeyIsUnset() throws Exception {
        McpwatchConfig config = load(NO_ENV, """
                server: {port: "9090"}
                defaults:
                  thresholds:
                monitors:
                  - id: a
                    url: https://a.example.com/mcp
                    paused: "true"
                    headers: {X-Version: 2}
                    tags: release-2026
                  - id: b
                    url: https://b.example.com/sse
                    transport: SSE
                """);

        assertThat(config.server().port()).isEqualTo(9090);
        MonitorConfig m = config.monitors().getFirst();
        assertThat(m.paused()).isTrue();
        assertThat(m.failureThreshold()).isEqualTo(3);
        assertThat(m.headers()).containsEntry("X-Version", "2");
        assertThat(m.tags()).as("one text where a list goes is a list of one").containsExactly("release-2026");
        assertThat(config.monitor("b").orElseThrow().transport()).as("a name from a fixed set, in any case").isEqualTo(Transport.SSE);
    }

    @Test
    void problemsAreListedInTheOrderTheyAreWrittenWhateverFoundThem() throws Exception {
        List<Problem> problems = problems(NO_ENV, """
                server: {port: 70000}
                monitors:
                  - id: a
                    url: https://a.example.com/mcp
                    interval: 10s
                    timeout: 20s
                  - id: b
                    url: not-a-url
                    intervall: 30s
                web: {session_idle: 1m}
                """);

        assertThat(problems).extracting(Problem::path)
                .containsExactly("server.port", "monitors[0].timeout", "monitors[1].url", "monitors[1].intervall", "web.session_idle");
    }

        // ---- a folder of files ------------------------------------------------------------------

    @Test
    void aFolderIsReadInNameOrderWithMonitorsConcatenatedAndSharedDefaults() throws Exception {
        write("10-base.yaml", """
                server: {port: 8181}
                defaults: {interval: 2m, tags: [shared]}
                monitors:
                  - id: alpha
                    url: https://alpha.example.com/mcp
                """);
        write("20-team.yml", """
                monitors:
                  - id: beta
                    url: https://beta.example.com/mcp
                  - id: gamma
                    url: https://gamma.example.com/mcp
                """);
        write("notes.txt", "not configuration: ignored");

        McpwatchConfig config = new ConfigLoader(NO_ENV::get).load(dir);

        assertThat(config.monitors()).extracting(MonitorConfig::id).containsExactly("alpha", "beta", "gamma");
        assertThat(config.monitors()).allSatisfy(m -> {
            assertThat(m.interval()).isEqualTo(Duration.ofMinutes(2));
            assertThat(m.tags()).containsExactly("shared");
        });
        assertThat(config.server().port()).isEqualTo(8181);
        assertThat(config.source()).isEqualTo(dir.toString());
    }

    @Test
    void aSectionDefinedInTwoFilesIsAProblemNamingBoth() throws Exception {
        write("a.yaml", "server: {port: 8181}\n");
        write("b.yaml", "server: {port: 8282}\n");

        List<Problem> problems = problemsOf(dir);

        assertThat(problems).containsExactly(new Problem("b.yaml", "server", "is also defined in a.yaml; define it once"));
    }

    @Test
    void aMonitorIdUsedTwiceAcrossFilesIsAProblemNamingBothPlaces() throws Exception {
        write("a.yaml", """
                monitors:
                  - id: alpha
                    url: https://alpha.example.com/mcp
                  - id: shared
                    url: https://one.example.com/mcp
                """);
        write("b.yaml", """
                monitors:
                  - id: shared
                    url: https://two.example.com/mcp
                """);

        List<Problem> problems = problemsOf(dir);

        assertThat(problems).containsExactly(
                new Problem("b.yaml", "monitors[0].id", "duplicate monitor id 'shared' (also at a.yaml monitors[1])"));
    }

    @Test
    void aFolderWithoutYamlFilesOrAMissingPathIsAProblem() throws Exception {
        write("readme.txt", "nothing here");

        assertThat(problemsOf(dir)).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dir.toString());
            assertThat(p.message()).isEqualTo("has no .yaml or .yml files");
        });
        assertThat(problemsOf(dir.resolve("missing.yaml"))).singleElement()
                .isEqualTo(new Problem(dir.resolve("missing.yaml").toString(), null, "does not exist"));
    }

    // ---- one message per mistake, naming file and path ----------------------------------------

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("unknown key, with a suggestion", "  - id: a\n    url: https://a.example.com/mcp\n    intervall: 30s\n",
                        "monitors[0].intervall", "unknown setting (did you mean interval?); allowed here: "),
                Arguments.of("id with capitals and a space", "  - id: Weather API\n    url: https://a.example.com/mcp\n",
                        "monitors[0].id", "must be lower-case letters, digits, '.', '_' or '-' (at most 64), starting with a letter "
                                + "or digit; got 'Weather API'"),
                Arguments.of("url that is not http(s)", "  - id: a\n    url: ftp://a.example.com/mcp\n",
                        "monitors[0].url", "must be an http:// or https:// URL with a host, got 'ftp://a.example.com/mcp'"),
                Arguments.of("url without a host", "  - id: a\n    url: https:///mcp\n",
                        "monitors[0].url", "must be an http:// or https:// URL with a host, got 'https:///mcp'"),
                Arguments.of("missing url", "  - id: a\n",
                        "monitors[0].url", "is required (the MCP endpoint, e.g. https://example.com/mcp)"),
                Arguments.of("missing id", "  - url: https://a.example.com/mcp\n",
                        "monitors[0].id", "is required"),
                Arguments.of("interval below 10s", "  - id: a\n    url: https://a.example.com/mcp\n    interval: 5s\n    timeout: 2s\n",
                        "monitors[0].interval", "must be at least 10s, got 5s"),
                Arguments.of("interval of twenty digits of days, which would never come round",
                        "  - id: a\n    url: https://a.example.com/mcp\n    interval: 99999999999999999999d\n    timeout: 10s\n",
                        "monitors[0].interval", "must be at most 3650d, got '99999999999999999999d'"),
                Arguments.of("interval over a day", "  - id: a\n    url: https://a.example.com/mcp\n    interval: 2d\n    timeout: 10s\n",
                        "monitors[0].interval", "must be at most 24h, got 2880m"),
                Arguments.of("retry interval over a day", "  - id: a\n    url: https://a.example.com/mcp\n    retry_interval: 25h\n",
                        "monitors[0].retry_interval", "must be at most 24h, got 1500m"),
                Arguments.of("url with port 0", "  - id: a\n    url: http://127.0.0.1:0/mcp\n",
                        "monitors[0].url", "has port 0; a port is 1 to 65535 (or left out for the scheme's own)"),
                Arguments.of("url with a port past 65535", "  - id: a\n    url: http://127.0.0.1:65536/mcp\n",
                        "monitors[0].url", "has port 65536; a port is 1 to 65535 (or left out for the scheme's own)"),
                Arguments.of("url whose secret would be echoed in the message", "  - id: a\n    url: ftp://me:s3cret@a.example.com/mcp?key=s3cret\n",
                        "monitors[0].url", "must be an http:// or https:// URL with a host, got 'ftp://a.example.com/mcp?key=(redacted)'"),
                Arguments.of("a whole number of twenty digits", "  - id: a\n    url: https://a.example.com/mcp\n"
                        + "    thresholds: {failure: 99999999999999999999}\n",
                        "monitors[0].thresholds.failure", "must be between 1 and 100, got 99999999999999999999"),
                Arguments.of("timeout not shorter than the interval", "  - id: a\n    url: https://a.example.com/mcp\n    interval: 30s\n"
                        + "    timeout: 30s\n", "monitors[0].timeout", "must be more than 0 and shorter than the interval (30s), got 30s"),
                Arguments.of("duration that is not one", "  - id: a\n    url: https://a.example.com/mcp\n    interval: soon\n",
                        "monitors[0].interval", "must be a duration like 30s, 5m or 500ms, got 'soon'"),
                Arguments.of("timeout that is not a duration, beside an interval its fallback would equal",
                        "  - id: a\n    url: https://a.example.com/mcp\n    interval: 30s\n    timeout: 1e3ms\n",
                        "monitors[0].timeout", "must be a duration like 30s, 5m or 500ms, got '1e3ms'"),
                Arguments.of("interval that is not a duration, beside a timeout its fallback would not exceed",
                        "  - id: a\n    url: https://a.example.com/mcp\n    interval: every minute\n    timeout: 90s\n",
                        "monitors[0].interval", "must be a duration like 30s, 5m or 500ms, got 'every minute'"),
                Arguments.of("the shortest interval with a longer timeout from defaults", "  - id: a\n    url: https://a.example.com/mcp\n"
                        + "    interval: 10s\ndefaults:\n  timeout: 30s\n", "monitors[0].timeout",
                        "must be more than 0 and shorter than the interval (10s), got 30s (inherited; set a shorter timeout here or in defaults)"),
                Arguments.of("unknown protocol revision", "  - id: a\n    url: https://a.example.com/mcp\n    protocol: 2024-01-01\n",
                        "monitors[0].protocol", "must be auto or a known revision (2026-07-28, 2025-11-25, 2025-06-18, 2025-03-26, "
                                + "2024-11-05), got '2024-01-01'"),
                Arguments.of("unknown transport", "  - id: a\n    url: https://a.example.com/mcp\n    transport: websocket\n",
                        "monitors[0].transport", "unknown transport 'websocket' (expected streamable-http, sse or stdio)"),
                Arguments.of("stdio without a command", "  - id: a\n    transport: stdio\n",
                        "monitors[0].command", "is required for the stdio transport (a list: [program, arg, …])"),
                Arguments.of("a url with stdio", "  - id: a\n    transport: stdio\n    command: [node, server.js]\n"
                        + "    url: https://a.example.com/mcp\n", "monitors[0].url", "is not used with the stdio transport; give a command instead"),
                Arguments.of("missing environment variable", "  - id: a\n    url: https://a.example.com/mcp\n    headers:\n"
                        + "      Authorization: Bearer ${NOT_SET_ANYWHERE}\n",
                        "monitors[0].headers.Authorization", "environment variable NOT_SET_ANYWHERE is not set"),
                Arguments.of("missing environment variable in the url", "  - id: a\n    url: ${MCP_URL}\n",
                        "monitors[0].url", "environment variable MCP_URL is not set"),
                Arguments.of("tool call arguments that are a list", "  - id: a\n    url: https://a.example.com/mcp\n    expect:\n"
                        + "      call: {tool: echo, arguments: [1, 2]}\n",
                        "monitors[0].expect.call.arguments", "must be a mapping of argument names to values, got a list"),
                Arguments.of("a monitor that is a bare string", "  - https://a.example.com/mcp\n",
                        "monitors[0]", "must be a mapping of settings, got 'https://a.example.com/mcp'"),
                Arguments.of("a threshold of zero", "  - id: a\n    url: https://a.example.com/mcp\n    thresholds: {failure: 0}\n",
                        "monitors[0].thresholds.failure", "must be between 1 and 100, got 0"),
                Arguments.of("paused that is not a boolean", "  - id: a\n    url: https://a.example.com/mcp\n    paused: sometimes\n",
                        "monitors[0].paused", "must be true or false, got 'sometimes'"));
    }

    @Test
    void textThatIsNotAMappingIsRefusedLikeAFile() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> new ConfigLoader(NO_ENV::get).loadText("- just\n- a list\n", "list.yaml"));

        assertThat(e.problems()).extracting(Problem::toString)
                .containsExactly("list.yaml: must be a mapping with server, storage, defaults and monitors, got a list");
    }

    @Test
    void anUnsetTimeoutFollowsAShortInterval() throws Exception {
        McpwatchConfig config = new ConfigLoader(NO_ENV::get).loadText("""
                monitors:
                  - id: short
                    url: https://a.example.com/mcp
                    interval: 10s
                  - id: long
                    url: https://b.example.com/mcp
                    interval: 5m
                """, "auto.yaml");

        assertThat(config.monitor("short").orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.monitor("long").orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void everyMistakeIsOneProblemNamingFileAndPath(String what, String monitorsYaml, String path, String message) throws Exception {
        List<Problem> problems = problems(NO_ENV, "monitors:\n" + monitorsYaml);

        assertThat(problems).as(what).hasSize(1);
        assertThat(problems.getFirst().file()).isEqualTo(file());
        assertThat(problems.getFirst().path()).isEqualTo(path);
        assertThat(problems.getFirst().message()).startsWith(message);
        assertThat(problems.getFirst().toString()).startsWith(file() + ": " + path + ": " + message);
    }

    @Test
    void serverAndStorageMistakesNameTheirPathToo() throws Exception {
        List<Problem> problems = problems(NO_ENV, """
                server:
                  port: 70000
                  public_url: status.example.com
                  location: eu west
                storage:
                  url: jdbc:mysql://db/mcpwatch
                  raw_retention: 10m
                  retention: 7d
                """);

        assertThat(problems).extracting(Problem::path)
                .containsExactlyInAnyOrder("server.port", "server.public_url", "server.location", "storage.url", "storage.raw_retention",
                        "storage.retention");
        assertThat(problems).extracting(Problem::toString).contains(
                file() + ": server.port: must be between 0 and 65535, got 70000",
                file() + ": server.location: must be 1 to 40 letters, digits, '.', '_' or '-' (starting with a letter or digit), got 'eu west'",
                file() + ": storage.url: must be a jdbc:sqlite: or jdbc:postgresql: URL, got 'jdbc:mysql://db/mcpwatch'",
                file() + ": storage.raw_retention: must be at least 1h, got PT10M");
    }

    @Test
    void thePollIntervalIsReadAsWrittenAndDefaultsToAQuarterSecond() throws Exception {
        assertThat(load(NO_ENV, "server: {port: 9090}\n").server().pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(load(NO_ENV, "server: {poll_interval: 100ms}\n").server().pollInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(load(NO_ENV, "server: {poll_interval: 2}\n").server().pollInterval()).as("bare seconds").isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aPollIntervalOutsideItsRangeOrNotADurationIsRefusedNamingIt() throws Exception {
        assertThat(problems(NO_ENV, "server: {poll_interval: 10ms}\n")).extracting(Problem::toString)
                .containsExactly(file() + ": server.poll_interval: must be between 50ms and 30s, got 10ms");
        assertThat(problems(NO_ENV, "server: {poll_interval: 2m}\n")).extracting(Problem::toString)
                .containsExactly(file() + ": server.poll_interval: must be between 50ms and 30s, got 2m");
        assertThat(problems(NO_ENV, "server: {poll_interval: often}\n")).extracting(Problem::toString)
                .singleElement().asString().startsWith(file() + ": server.poll_interval: must be a duration like 30s, 5m or 500ms");
    }

    @Test
    void yamlThatDoesNotParseIsAProblemWithItsLine() throws Exception {
        List<Problem> problems = problems(NO_ENV, """
                monitors:
                  - id: a
                    url: https://a.example.com/mcp
                   interval: 30s
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file());
            assertThat(p.message()).startsWith("is not valid YAML: ").contains("(line 4)");
        });
    }

    @Test
    void everyProblemOfAFileIsReportedAtOnce() throws Exception {
        write("mcpwatch.yaml", """
                server:
                  prot: 8080
                defaults:
                  interval: 5m
                monitors:
                  - id: ok
                    url: https://ok.example.com/mcp
                  - id: Bad Id
                    url: https://bad.example.com/mcp
                  - id: no-url
                  - id: slow
                    url: https://slow.example.com/mcp
                    timeout: 10m
                  - id: tool
                    url: https://tool.example.com/mcp
                    expect:
                      call: {tool: echo, arguments: hello}
                  - id: secret
                    url: https://secret.example.com/mcp
                    headers: {Authorization: "Bearer ${SECRET_NOT_SET}"}
                  - id: ok
                    url: https://again.example.com/mcp
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(NO_ENV::get).load(dir.resolve("mcpwatch.yaml")));

        assertThat(e.problems()).extracting(Problem::path).containsExactlyInAnyOrder(
                "server.prot",
                "monitors[1].id",
                "monitors[2].url",
                "monitors[3].timeout",
                "monitors[4].expect.call.arguments",
                "monitors[5].headers.Authorization",
                "monitors[6].id");
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.file()).isEqualTo(file()));
        assertThat(e.getMessage()).startsWith("7 problems:\n  " + file() + ": ");
    }

    // ---- the example shipped with mcpwatch ------------------------------------------------------

    @Test
    void theExampleConfigurationLoadsAsDocumented() throws Exception {
        McpwatchConfig shipped = new ConfigLoader(NO_ENV::get).load(Examples.CONFIG);
        assertThat(shipped.monitors()).extracting(MonitorConfig::id).containsExactly("mcpwatch", "everything", "legacy-sse", "filesystem");
        // Every option, with the commented-out examples enabled: they must stay true to what they document.
        McpwatchConfig config = new ConfigLoader(NO_ENV::get).loadText(Examples.everyOptionEnabled(), "mcpwatch.yaml");

        assertThat(shipped.server()).isEqualTo(new ServerSettings("127.0.0.1", 8080, null, "default", 256));
        assertThat(config.server()).isEqualTo(shipped.server());
        assertThat(config.storage().url()).isEqualTo(StorageSettings.DEFAULT_URL);
        assertThat(config.storage().rawRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.storage().rollupRetention()).isEqualTo(Duration.ofDays(400));
        assertThat(config.storage().bufferCapacity()).isEqualTo(10_000);
        assertThat(config.monitors()).extracting(MonitorConfig::id).containsExactly("mcpwatch", "everything", "weather", "local-search", "travel",
                "billing", "crm", "legacy-sse", "filesystem");
        var remediation = config.monitor("local-search").orElseThrow().remediation();
        assertThat(remediation.command()).containsExactly("/usr/bin/systemctl", "restart", "search-mcp");
        assertThat(remediation.on()).isEqualTo(dev.mcpwatch.config.RemediationSettings.DEFAULT_ON);
        assertThat(List.of(remediation.timeout(), remediation.watch(), remediation.cooldown()))
                .containsExactly(Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofMinutes(10));
        assertThat(remediation.maxPerHour()).isEqualTo(3);
        assertThat(config.monitor("everything").orElseThrow().remediation()).isNull();
        OAuthSettings billing = config.monitor("billing").orElseThrow().oauth();
        assertThat(billing.grant()).isEqualTo(OAuthSettings.CLIENT_CREDENTIALS);
        assertThat(billing.clientSecret()).as("an unset ${VAR:-} is empty; the probe then says so").isEmpty();
        assertThat(billing.issuer()).isEqualTo("https://auth.example.com");
        MonitorConfig crm = config.monitor("crm").orElseThrow();
        assertThat(crm.oauth().grant()).isEqualTo(OAuthSettings.AUTHORIZATION_CODE);
        assertThat(crm.call().inputResponses().at("/confirm/action").asString()).isEqualTo("accept");

        MonitorConfig weather = config.monitor("weather").orElseThrow();
        assertThat(weather.name()).isEqualTo("Weather MCP (production)");
        assertThat(weather.protocol()).isEqualTo("2025-11-25");
        assertThat(weather.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(weather.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(weather.initializeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(weather.minTools()).isEqualTo(4);
        assertThat(weather.requiredTools()).containsExactly("get_forecast", "get_alerts");
        assertThat(weather.call().tool()).isEqualTo("get_forecast");
        assertThat(weather.call().arguments().toString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(weather.call().contains()).isEqualTo("temperature");
        assertThat(weather.headers()).containsEntry("Authorization", "Bearer ").containsEntry("X-Tenant", "acme");
        assertThat(weather.tags()).containsExactly("prod", "team-weather");
        assertThat(weather.runbookUrl()).isEqualTo("https://wiki.example.com/runbooks/weather-mcp");

        MonitorConfig filesystem = config.monitor("filesystem").orElseThrow();
        assertThat(filesystem.transport()).isEqualTo(Transport.STDIO);
        assertThat(filesystem.command()).containsExactly("npx", "-y", "@modelcontextprotocol/server-everything", "stdio");
        assertThat(filesystem.env()).containsExactlyEntriesOf(Map.of("LOG_LEVEL", "warn"));
        assertThat(filesystem.interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(filesystem.paused()).isTrue();
        assertThat(config.monitor("legacy-sse").orElseThrow().transport()).isEqualTo(Transport.SSE);

        McpwatchConfig onPostgres = new ConfigLoader(Map.of("MCPWATCH_DB_URL", "jdbc:postgresql://db.internal:5432/mcpwatch",
                "WEATHER_MCP_TOKEN", "t0ken")::get).loadText(Examples.everyOptionEnabled(), "mcpwatch.yaml");
        assertThat(onPostgres.storage().url()).isEqualTo("jdbc:postgresql://db.internal:5432/mcpwatch");
        assertThat(onPostgres.monitor("weather").orElseThrow().headers()).containsEntry("Authorization", "Bearer t0ken");
    }

    // ---- auth (OAuth) and input responses ----------------------------------------------------

    @Test
    void anAuthBlockIsReadWithItsSecretsFromTheEnvironmentAndNeverPrinted() throws Exception {
        McpwatchConfig config = load(Map.of("BILLING_SECRET", "s3cret-value"), """
                monitors:
                  - id: billing
                    url: https://billing.example.com/mcp
                    auth:
                      grant: client_credentials
                      client_id: mcpwatch
                      client_secret: ${BILLING_SECRET}
                      method: client_secret_post
                      scope: "mcp:read mcp:status"
                      issuer: https://auth.example.com
                      secret_expires: 2027-01-31T00:00:00Z
                """);

        OAuthSettings auth = config.monitors().getFirst().oauth();
        assertThat(auth.grant()).isEqualTo("client_credentials");
        assertThat(auth.clientId()).isEqualTo("mcpwatch");
        assertThat(auth.clientSecret()).isEqualTo("s3cret-value");
        assertThat(auth.method()).isEqualTo(OAuthSettings.Method.CLIENT_SECRET_POST);
        assertThat(auth.scope()).isEqualTo("mcp:read mcp:status");
        assertThat(auth.issuer()).isEqualTo("https://auth.example.com");
        assertThat(auth.secretExpires()).isEqualTo(Instant.parse("2027-01-31T00:00:00Z"));
        assertThat(auth.toString() + config.monitors().getFirst()).doesNotContain("s3cret-value");
    }

    @Test
    void aSecretWrittenInTheFileIsRefusedWithoutBeingShown() throws Exception {
        List<Problem> problems = problems(NO_ENV, """
                monitors:
                  - id: billing
                    url: https://billing.example.com/mcp
                    auth: {grant: client_credentials, client_id: mcpwatch, client_secret: hunter2-literal}
                """);

        assertThat(problems).containsExactly(new Problem(file(), "monitors[0].auth.client_secret", "must come from the environment, "
                + "e.g. ${MCP_CLIENT_SECRET}; a secret is never written in the configuration (the value is not shown)"));
    }

    @Test
    void authMistakesAreEachNamedByPath() throws Exception {
        List<Problem> problems = problems(Map.of("K", "not a pem"), """
                monitors:
                  - id: a
                    url: https://a.example.com/mcp
                    auth: {grant: password}
                  - id: b
                    url: https://b.example.com/mcp
                    auth: {grant: client_credentials}
                  - id: c
                    url: https://c.example.com/mcp
                    auth: {grant: client_credentials, client_id: x, method: private_key_jwt, private_key: "${K}", signing_algorithm: HS256}
                  - id: d
                    url: https://d.example.com/mcp
                    headers: {Authorization: Bearer x}
                    auth: {grant: authorization_code, issuer: auth.example.com, secret_expires: tomorrow, scopes: x}
                  - id: e
                    transport: stdio
                    command: [node, server.js]
                    auth: {grant: authorization_code}
                  - id: f
                    url: https://f.example.com/mcp
                    auth: {grant: jwt_bearer}
                """);

        assertThat(problems).extracting(Problem::path, Problem::message).contains(
                tuple("monitors[0].auth.grant", "must be client_credentials (machine to machine), jwt_bearer (a workload identity token) "
                        + "or authorization_code (a person logs in once with `mcpwatch auth login`), got 'password'"),
                tuple("monitors[1].auth.client_id", "is required for client_credentials"),
                tuple("monitors[1].auth", "client_credentials needs client_secret or private_key (from the environment, e.g. "
                        + "${MCP_CLIENT_SECRET})"),
                tuple("monitors[2].auth.private_key", "must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----; the value is not shown)"),
                tuple("monitors[2].auth.signing_algorithm", "must be one of ES256, ES384, PS256, RS256, got 'HS256'"),
                tuple("monitors[3].auth.issuer", "must be an http(s) URL, got 'auth.example.com'"),
                tuple("monitors[3].auth.secret_expires", "must be a time like 2027-01-31T00:00:00Z, got 'tomorrow'"),
                tuple("monitors[3].auth", "and an Authorization header both set credentials; keep one"),
                tuple("monitors[4].auth", "is for HTTP servers; a stdio server gets its credentials from env"),
                tuple("monitors[5].auth", "jwt_bearer needs one of assertion (from the environment, e.g. ${WORKLOAD_TOKEN}) or "
                        + "assertion_file (a file the platform keeps fresh)"));
        assertThat(problems).extracting(Problem::path).anyMatch(p -> p.startsWith("monitors[3].auth.scopes"));
        assertThat(problems.toString()).doesNotContain("not a pem");
    }

    @Test
    void inputResponsesOfAHealthCallAreReadAsTheAnswersToSend() throws Exception {
        McpwatchConfig config = load(NO_ENV, """
                monitors:
                  - id: bookings
                    url: https://bookings.example.com/mcp
                    expect:
                      call:
                        tool: check_availability
                        input_responses:
                          confirm: {action: accept, content: {confirmed: true}}
                """);
        List<Problem> problems = problems(NO_ENV, """
                monitors:
                  - id: bookings
                    url: https://bookings.example.com/mcp
                    expect:
                      call: {tool: check_availability, input_responses: [yes]}
                """);

        assertThat(config.monitors().getFirst().toProbeSpec().toolCall().inputResponses().at("/confirm/content/confirmed").asBoolean())
                .isTrue();
        assertThat(problems).extracting(Problem::path).containsExactly("monitors[0].expect.call.input_responses");
        assertThat(problems.getFirst().message()).startsWith("must be a mapping from the server's input request keys to answers");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private McpwatchConfig load(Map<String, String> env, String yaml) throws Exception {
        return new ConfigLoader(env::get).load(write("mcpwatch.yaml", yaml));
    }

    private List<Problem> problems(Map<String, String> env, String yaml) throws IOException {
        Path file = write("mcpwatch.yaml", yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(env::get).load(file));
        assertThat(e).as("a configuration with a mistake must not load").isNotNull();
        return e.problems();
    }

    private static List<Problem> problemsOf(Path source) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(NO_ENV::get).load(source));
        assertThat(e).as("%s must not load", source).isNotNull();
        return e.problems();
    }

    private String file() {
        return file(dir);
    }

    private static String file(Path dir) {
        return dir.resolve("mcpwatch.yaml").toString();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
