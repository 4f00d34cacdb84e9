package dev.mcpwatch.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitor's page when a second location (another node's recorder on the same database) probes it
 * too: a table of each location's state, last latency and last probe; a monitor probed from one
 * location keeps its page as it was.
 */
class MonitorLocationsPageTest {
    @TempDir
    Path dir;

    @Test
    void theMonitorPageShowsEachLocationOnlyWhenSeveralProbeIt() throws Exception {
        try (WebFixture web = WebFixture.start(dir, """
                monitors:
                  - {id: api, url: 'http://127.0.0.1:9/mcp', interval: 24h}
                  - {id: solo, url: 'http://127.0.0.1:9/mcp', interval: 24h}
                """)) {
            long now = System.currentTimeMillis();
            ResultRecorder west = Results.recorder(web.app().database(), "eu-west", 100);
            for (int i = 0; i < 3; i++) {
                Instant at = Instant.ofEpochMilli(now - 600_000 + i * 60_000L);
                web.record("api", Results.healthy(at, 42));
                web.record("solo", Results.healthy(at, 42));
                ProbeResult refused = Results.failed(at.plusSeconds(30));
                west.record(web.monitor("api"), refused, refused.startedAt().toEpochMilli() + 2);
            }
            var operator = web.loggedIn();

            String html = operator.get("/monitors/api").body();
            int start = html.indexOf("<h2 id=\"locations\">Locations</h2>");
            assertThat(start).isNotNegative();
            String locations = html.substring(start, html.indexOf("</section>", start));
            assertThat(locations).contains("<th scope=\"row\">test</th><td><span class=\"pill state-up\">up</span>", "42.0 ms",
                    "<th scope=\"row\">eu-west</th><td><span class=\"pill state-down\">down</span>", "1.5 ms");

            assertThat(operator.get("/monitors/solo").body()).doesNotContain("id=\"locations\"");
        }
    }
}
