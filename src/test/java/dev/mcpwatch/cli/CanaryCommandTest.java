package dev.mcpwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Cli;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.SdkServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code mcpwatch canary} as a deploy pipeline runs it: the real command line in a child JVM against
 * real MCP servers (the official Java SDK), with its real exit code: 0 promote, 2 rollback,
 * 3 inconclusive, 1 usage error. The runs are short (rounds every 200 ms, rules over a 3 s window) and
 * on real time, so the number of rounds depends on the machine; the rules themselves are tested on a
 * settable clock in {@code ComparisonTest}.
 */
class CanaryCommandTest {
    /** Fifteen rounds in the window, twenty-five in the run: enough for every rule at its minimum counts, with room for a slow round. */
    private static final List<String> QUICK = List.of("--duration", "5s", "--interval", "200ms", "--window", "3s", "--min-probes", "10");

    record Run(int exitCode, String out, String err) {}

    @Test
    void equalServersArePromotedWithExitZeroAndEveryRuleShown() {
        try (SdkServer stable = SdkServer.streamable(SdkServer.echo(), SdkServer.add());
                SdkServer canary = SdkServer.streamable(SdkServer.echo(), SdkServer.add())) {
            Run run = canary(Map.of(), stable.url(), canary.url(), "--call", "echo", "--args", "{\"message\":\"hi\"}");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
            assertThat(run.out()).containsPattern("^canary analysis · (1[5-9]|2[0-5]) rounds every 200ms · rules over the last 3s\n")
                    .containsPattern("  stable   " + stable.url() + " · sdk-fixture 2.1.0-test · ([0-9]+) probes, 0 failed · 2 tools\n")
                    .containsPattern("  canary   " + canary.url() + " · sdk-fixture 2.1.0-test · ([0-9]+) probes, 0 failed · 2 tools\n")
                    .containsPattern("(?m)^  rule +stable +canary +threshold +result$")
                    .containsPattern("(?m)^  reachable +([0-9]+) of \\1 reached +([0-9]+) of \\2 reached +any probe that cannot connect → roll back +pass$")
                    // About 15 probes a side in the 3 s window (200 ms rounds); a late round followed by one on time can fit a 16th.
                    .containsPattern("(?m)^  error rate +0/1[0-9] probes \\(0\\.0 %\\) +0/1[0-9] probes \\(0\\.0 %\\) +> 2× the stable's over 3s, p < 0\\.01 +pass$")
                    .containsPattern("(?m)^  p99 tools_list +[0-9.]+ ms p99, [0-9.]+ ms p50 \\(1[0-9]\\) +[0-9.]+ ms p99.* pass$")
                    .containsPattern("(?m)^  p99 tool_call .* pass$")
                    .containsPattern("(?m)^  schema errors +0/([0-9]+) calls \\(0\\.0 %\\) +0/([0-9]+) calls \\(0\\.0 %\\) .* pass$")
                    .containsPattern("(?m)^  tool surface +2 tools +2 tools, 0 changed .* pass$")
                    .containsPattern("  verdict  PROMOTE\n    - every rule passed over the last 3s \\([0-9]+ canary probes in all\\)\n$");
            // Rounds alternate which side goes first, so neither is always probed second.
            assertThat(run.err()).contains("round 1  stable ok ").contains("round 2  canary ok ").contains("round 3  stable ok ");
        }
    }

    @Test
    void aBreakingCanaryExitsTwoAtOnceWithTheChangesInWords() {
        try (SdkServer stable = SdkServer.streamable(SdkServer.echo(), SdkServer.add());
                SdkServer canary = SdkServer.streamable(SdkServer.echo())) {
            Run run = canary(Map.of(), stable.url(), canary.url());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.out()).contains("1 round every 200ms")
                    .containsPattern("(?m)^  tool surface +2 tools +1 tool, 1 changed .* ROLLBACK$")
                    .contains("  tool changes, stable → canary\n    - tool `add` was removed [breaking]\n")
                    .contains("  verdict  ROLLBACK\n    - tool surface: 1 breaking change against the stable");
        }
    }

    @Test
    void allowBreakingPromotesTheSameCanaryAndSaysWhatWasAllowed() {
        try (SdkServer stable = SdkServer.streamable(SdkServer.echo(), SdkServer.add());
                SdkServer canary = SdkServer.streamable(SdkServer.echo())) {
            Run run = canary(Map.of(), stable.url(), canary.url(), "--allow-breaking");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
            assertThat(run.out()).containsPattern("(?m)^  tool surface .* allowed$")
                    .contains("  tool changes, stable → canary (breaking changes allowed for this deploy)\n");
        }
    }

    @Test
    void tooShortARunIsInconclusiveWithExitThree() {
        try (SdkServer stable = SdkServer.streamable(SdkServer.echo());
                SdkServer canary = SdkServer.streamable(SdkServer.echo())) {
            Run run = mcpwatch(Map.of(), "canary", "--stable", stable.url(), "--canary", canary.url(), "--duration", "500ms",
                    "--interval", "100ms");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
            assertThat(run.err()).contains("note: --duration 500ms is shorter than the rules' window of 5m");
            assertThat(run.out()).contains("  verdict  INCONCLUSIVE\n")
                    .containsPattern("    - the rule looks at the last 5m of probes; the comparison has run [0-9.]+m?s\n")
                    .containsPattern("    - the canary was probed [1-5] times?; promoting needs at least 30\n");
        }
    }

    @Test
    void jsonPrintsTheWholeVerdict() {
        try (SdkServer stable = SdkServer.streamable(SdkServer.echo(), SdkServer.add());
                SdkServer canary = SdkServer.streamable(SdkServer.echo())) {
            Run run = canary(Map.of(), stable.url(), canary.url(), "--json");

            assertThat(run.exitCode()).isEqualTo(2);
            JsonNode v = Json.MAPPER.readTree(run.out());
            assertThat(v.path("verdict").stringValue()).isEqualTo("rollback");
            assertThat(v.path("reasons").get(0).stringValue()).startsWith("tool surface: 1 breaking change");
            assertThat(v.path("stable").path("target").stringValue()).isEqualTo(stable.url());
            assertThat(v.path("canary").path("probes").asInt()).isEqualTo(1);
            assertThat(v.path("tools").path("changes").get(0).path("kind").stringValue()).isEqualTo("tool_removed");
            List<String> rules = new ArrayList<>();
            v.path("rules").forEach(r -> rules.add(r.path("rule").stringValue() + "=" + r.path("status").stringValue()));
            assertThat(rules).contains("canary_reachable=pass", "error_rate=not_enough_data", "schema_errors=not_applicable",
                    "tool_surface=tripped");
        }
    }

    @Test
    void bothSidesGetTheSameHeadersAndNeitherValueIsPrinted() {
        String token = "canary-secret-7f3a";
        try (FixtureServer stable = FixtureServer.http(ScriptedMcp.legacy());
                FixtureServer canary = FixtureServer.http(ScriptedMcp.legacy())) {
            Run run = canary(Map.of("MCP_TOKEN", token), stable.url("/mcp"), canary.url("/mcp"),
                    "-H", "Authorization: Bearer ${MCP_TOKEN}", "--bearer-env", "MCP_TOKEN", "--json");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(0);
            for (FixtureServer side : List.of(stable, canary)) {
                assertThat(side.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + token));
            }
            assertThat(run.out()).doesNotContain(token);
            assertThat(run.err()).doesNotContain(token);
        }
    }

    @Test
    void usageErrorsSayWhatToChange() {
        Run both = mcpwatch(Map.of(), "canary", "--url", "http://127.0.0.1:9/mcp", "--stable", "http://127.0.0.1:9/mcp");
        Run noHeader = mcpwatch(Map.of(), "canary", "--url", "http://127.0.0.1:9/mcp");
        Run sameVersion = mcpwatch(Map.of(), "canary", "--url", "http://127.0.0.1:9/mcp", "--split-header", "X-Server-Version",
                "--stable-version", "1.4", "--canary-version", "1.4");
        Run interval = mcpwatch(Map.of(), "canary", "--stable", "http://127.0.0.1:9/mcp", "--canary", "http://127.0.0.1:10/mcp",
                "--interval", "10ms");
        Run query = mcpwatch(Map.of(), "canary", "--stable", "http://127.0.0.1:9/mcp", "--canary", "http://127.0.0.1:10/mcp",
                "--prometheus-query", "errors=x");
        Run badUrl = mcpwatch(Map.of(), "canary", "--stable", "ftp://127.0.0.1/mcp", "--canary", "http://127.0.0.1:10/mcp");

        assertThat(List.of(both, noHeader, sameVersion, interval, query, badUrl)).allSatisfy(r -> {
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
        });
        assertThat(both.err()).isEqualTo("mcpwatch canary: give either --url with --split-header, or --stable and --canary, not both\n");
        assertThat(noHeader.err()).startsWith("mcpwatch canary: --url needs --split-header NAME");
        assertThat(sameVersion.err()).contains("stable and canary must have different values of X-Server-Version");
        assertThat(interval.err()).isEqualTo("mcpwatch canary: --interval must be at least 100ms, got 10ms\n");
        assertThat(query.err()).isEqualTo("mcpwatch canary: --prometheus-query needs --prometheus URL\n");
        assertThat(badUrl.err()).startsWith("mcpwatch canary: url must be http:// or https://");
    }

    // ---- running the command line ------------------------------------------------------------

    private static Run canary(Map<String, String> env, String stable, String canary, String... more) {
        List<String> args = new ArrayList<>(List.of("canary", "--stable", stable, "--canary", canary));
        args.addAll(QUICK);
        args.addAll(List.of(more));
        return mcpwatch(env, args.toArray(String[]::new));
    }

    private static Run mcpwatch(Map<String, String> env, String... args) {
        Cli.Run run = Cli.mcpwatch(env, args);
        return new Run(run.exitCode(), run.out(), run.err());
    }
}
