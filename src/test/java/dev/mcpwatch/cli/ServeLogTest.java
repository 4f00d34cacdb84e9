package dev.mcpwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.ServeProcess;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code mcpwatch serve} writes to its log as an operator reads it: every line stamped with its
 * time in ISO-8601 UTC, mcpwatch's own story at INFO, and no INFO chatter from the libraries
 * (migrations, connection pools, the web server, the scheduler).
 */
@Timeout(120)
class ServeLogTest {
    private static final String STAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z \\[[^\\]]+\\] (TRACE|DEBUG|INFO|WARN|ERROR) .*";

    @Test
    void everyLineIsStampedInUtcAndTheLibrariesKeepQuiet() throws Exception {
        try (FixtureServer mcp = FixtureServer.http(ScriptedMcp.legacy());
                ServeProcess serve = new ServeProcess(ServeFixture.tempDir("serve-log"), """
                        monitors:
                          - {id: alpha, url: '%s', interval: 10s}
                        """.formatted(mcp.url("/mcp")))) {
            serve.start();
            ServeFixture.await("alpha probed", Duration.ofSeconds(30), () -> "up".equals(serve.get("/api/monitors/alpha").path("status").asString()));
            List<String> lines = Files.readAllLines(serve.log()).stream().filter(l -> !l.isBlank()).toList();

            assertThat(lines).as("a fresh database: Flyway migrated it, Hikari opened pools, Jetty started").isNotEmpty();
            assertThat(lines).allSatisfy(l -> assertThat(l).matches(STAMP));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("INFO dev.mcpwatch.App - mcpwatch"));
            for (String library : Logging.LIBRARIES) {
                assertThat(lines).as(library + " at INFO").noneMatch(l -> l.contains(" INFO " + library));
            }
        }
    }
}
