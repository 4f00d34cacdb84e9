package dev.mcpwatch.canary;

import static dev.mcpwatch.canary.CanariesInServeTest.post;
import static dev.mcpwatch.canary.CanariesInServeTest.rounds;
import static dev.mcpwatch.canary.CanariesInServeTest.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.NginxProxy;
import dev.mcpwatch.testkit.SdkServer;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The header-split mode of a continuous canary in a real {@code serve}: one monitor whose URL is a
 * real nginx (Debian's package) splitting requests with {@code split_clients} between two real MCP
 * servers (the official Java SDK, stateless), each answering with its own {@code X-Server-Version};
 * the canary compares the two groups of responses. 50 % rather than the guide's 5 %, so that both
 * groups fill the five-minute window.
 */
class HeaderSplitInServeTest {
    private static final String STABLE = "1.4.2";
    private static final String CANARY = "1.5.0";

    @Test
    void equalVersionsBehindOneUrlArePromotedAfterTheStageAndEachGroupIsCountedForItsVersion() throws Exception {
        try (SdkServer stable = SdkServer.stateless(SdkServer.Options.version(STABLE), Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.stateless(SdkServer.Options.version(CANARY), Deploys.lookup(0), Deploys.status());
                NginxProxy nginx = NginxProxy.splitting(hostPort(stable), hostPort(canary), 50)) {
            TestClock clock = TestClock.at("2031-11-21T10:00:00Z");
            try (ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("canary-split"), monitor(nginx))) {
                String token = serve.apiToken();
                var added = post(serve, "/api/canaries", split("search"), token);
                assertThat(added.status()).as(added.body()).isEqualTo(201);

                rounds(serve, clock, 361, Duration.ofSeconds(5)); // 60 rounds a window: each version answers every step often enough

                JsonNode answer = serve.get("/api/canaries/search");
                assertThat(answer.path("verdict").asString()).as(answer.toString()).isEqualTo("promote");
                JsonNode analysis = answer.path("analysis");
                assertThat(analysis.path("stable").path("version").asString()).isEqualTo(STABLE);
                assertThat(analysis.path("canary").path("version").asString()).isEqualTo(CANARY);
                assertThat(analysis.path("stable").path("probes").asLong()).as("parts of most probes on each").isBetween(120L, 361L);
                assertThat(analysis.path("canary").path("probes").asLong()).isBetween(120L, 361L);
                assertThat(analysis.path("stable").path("server").path("version").asString()).isEqualTo(STABLE);
                assertThat(analysis.path("canary").path("server").path("version").asString()).isEqualTo(CANARY);
            }
        }
    }

    @Test
    void aFailingCanaryBehindOneUrlIsRolledBackForItsOwnErrorsNotTheStables() throws Exception {
        try (SdkServer stable = SdkServer.stateless(SdkServer.Options.version(STABLE), Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.stateless(SdkServer.Options.version(CANARY), Deploys.lookupFailingEvery(1), Deploys.status());
                NginxProxy nginx = NginxProxy.splitting(hostPort(stable), hostPort(canary), 50)) {
            TestClock clock = TestClock.at("2031-11-21T10:00:00Z");
            try (ServeFixture serve = ServeFixture.startOn(clock, ServeFixture.tempDir("canary-split"), monitor(nginx))) {
                String token = serve.apiToken();
                post(serve, "/api/canaries", split("search"), token);

                rounds(serve, clock, 80, Duration.ofSeconds(5));

                JsonNode answer = serve.get("/api/canaries/search");
                assertThat(answer.path("verdict").asString()).as(answer.toString()).isEqualTo("rollback");
                JsonNode errors = rule(answer, "error_rate");
                assertThat(errors.path("status").asString()).isEqualTo("tripped");
                assertThat(errors.path("stable").path("count").asLong()).as("the stable's parts never fail").isZero();
                assertThat(errors.path("canary").path("count").asLong()).isPositive();
            }
        }
    }

    private static String split(String id) {
        return "{\"id\": \"" + id + "\", \"monitor\": \"search\", \"split\": {\"header\": \"X-Server-Version\", \"stable\": \"" + STABLE
                + "\", \"canary\": \"" + CANARY + "\"}, \"interval\": \"5s\"}";
    }

    private static String monitor(NginxProxy nginx) {
        return """
                monitors:
                  - id: search
                    url: %s
                    expect:
                      call: {tool: lookup, arguments: {query: mcp}}
                """.formatted(nginx.url("/mcp"));
    }

    private static String hostPort(SdkServer server) {
        return server.url().replaceFirst("^http://", "").replaceFirst("/.*$", "");
    }
}
