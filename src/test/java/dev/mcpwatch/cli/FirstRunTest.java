package dev.mcpwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.NpmServer;
import dev.mcpwatch.testkit.ServeFixture;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The README's first command on a fresh machine: {@code mcpwatch serve --config examples/mcpwatch.yaml}
 * in an empty folder. It watches only what runs on this machine (mcpwatch's own {@code /mcp}, and the
 * reference server the README says how to start), so a first run is healthy and honest: no monitor of an example host, no link to
 * example.com, no outage on the public page. Run for real, in a network namespace of its own (as the
 * fresh machine would have 3001 and 8080 free), against server-everything from npm.
 */
@Timeout(240)
class FirstRunTest {
    private static final Path EXAMPLE = Path.of("examples", "mcpwatch.yaml").toAbsolutePath();

    @Test
    void theExampleWatchesOnlyThisMachineAndLinksNowhereElse() throws Exception {
        McpwatchConfig config = new ConfigLoader(name -> null).load(EXAMPLE);

        assertThat(config.server().publicUrl()).as("alert links must not point at example.com").isNull();
        List<MonitorConfig> active = config.monitors().stream().filter(m -> !m.paused()).toList();
        assertThat(active).isNotEmpty().allSatisfy(m -> assertThat(URI.create(m.url()).getHost()).as(m.id()).isIn("127.0.0.1", "localhost"));
        assertThat(config.web().statusPages()).allSatisfy(p -> assertThat(p.monitors()).as(p.slug())
                .allMatch(id -> active.stream().anyMatch(m -> m.id().equals(id))));
    }

    @Test
    void serveWithTheExampleOnAFreshMachineIsHealthyOnceTheReferenceServerRuns() throws Exception {
        requireUnshare();
        assertThat(Files.exists(NpmServer.EVERYTHING)).as("server-everything installed in test-servers/ (mvn does it)").isTrue();
        Path work = ServeFixture.tempDir("first-run");
        String java = ProcessHandle.current().info().command().orElseThrow();
        // Inside its own network namespace: loopback up, the reference server on 3001 as the README says, then serve
        // exactly as the README's first command runs it (the jar's Main, from an empty folder), then what a person would check.
        String script = """
                set -u
                ip link set lo up
                cd "$WORK"
                PORT=3001 node --require "$LOOPBACK" "$EVERYTHING" streamableHttp > everything.log 2>&1 &
                node_pid=$!
                "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" dev.mcpwatch.cli.Main serve --config "$CONFIG" > serve.log 2>&1 &
                serve_pid=$!
                for i in $(seq 1 240); do
                  if curl -sf localhost:8080/api/monitors/everything 2>/dev/null | grep -q '"status":"up"' \
                     && curl -sf localhost:8080/api/monitors/mcpwatch 2>/dev/null | grep -q '"status":"up"'; then break; fi
                  sleep 0.5
                done
                curl -s localhost:8080/api/monitors > monitors.json
                curl -s localhost:8080/api/incidents > incidents.json
                curl -s localhost:8080/status/public/status.json > status.json
                curl -s -o /dev/null -w '%{http_code}' localhost:8080/health > health.txt
                kill $serve_pid; wait $serve_pid
                kill $node_pid; wait $node_pid
                exit 0
                """;
        ProcessBuilder pb = new ProcessBuilder("unshare", "-n", "bash", "-c", script).redirectErrorStream(true)
                .redirectOutput(work.resolve("script.log").toFile());
        pb.environment().putAll(Map.of("WORK", work.toString(), "LOOPBACK", NpmServer.TEST_SERVERS.resolve("loopback-only.cjs").toString(),
                "EVERYTHING", NpmServer.EVERYTHING.toString(), "JAVA", java, "CP", System.getProperty("java.class.path"),
                "CONFIG", EXAMPLE.toString()));
        pb.environment().keySet().removeIf(k -> k.startsWith("MCPWATCH_"));
        Process p = pb.start();
        if (!p.waitFor(200, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("the first run did not finish within 200 s: " + Files.readString(work.resolve("serve.log")));
        }

        String log = Files.readString(work.resolve("serve.log"));
        JsonNode monitors = Json.MAPPER.readTree(work.resolve("monitors.json").toFile()).path("items");
        assertThat(monitors).as(log).filteredOn(m -> !m.path("paused").asBoolean())
                .extracting(m -> m.path("id").asString() + " " + m.path("status").asString())
                .containsExactlyInAnyOrder("mcpwatch up", "everything up");
        assertThat(Json.MAPPER.readTree(work.resolve("incidents.json").toFile()).path("items")).as("no incident on a first run").isEmpty();
        JsonNode status = Json.MAPPER.readTree(work.resolve("status.json").toFile());
        assertThat(status.path("headline").asString()).isEqualTo("All systems operational");
        assertThat(Files.readString(work.resolve("health.txt"))).isEqualTo("200");
        assertThat(Files.exists(work.resolve("data").resolve("mcpwatch.db"))).as("SQLite in ./data").isTrue();
        assertThat(log).doesNotContain("DOWN", "example.com", "ERROR");
    }

    private static void requireUnshare() throws Exception {
        Process p = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("`unshare -n` is not permitted here (run the tests as root): " + new String(p.getInputStream().readAllBytes()));
        }
    }
}
