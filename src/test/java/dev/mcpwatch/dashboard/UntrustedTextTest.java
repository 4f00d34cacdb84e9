package dev.mcpwatch.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.HostileMcp;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every string a probed server sent — its name and version, tool names, titles, descriptions,
 * schema fields, error messages — reaches every page, feed and badge as text, never as markup.
 * The servers are real fixtures, probed by a running mcpwatch.
 */
class UntrustedTextTest {
    @TempDir
    Path dir;

    @Test
    void scriptAndHtmlFromAProbedServerAreEscapedOnEveryPage() throws Exception {
        try (FixtureServer hostile = FixtureServer.http(HostileMcp.healthy()); FixtureServer failing = FixtureServer.http(HostileMcp.failing());
                WebFixture web = WebFixture.start(dir, """
                        monitors:
                          - {id: hostile, url: '%s'}
                          - {id: failing, url: '%s'}
                        status_pages:
                          - {slug: public, title: Public, monitors: [hostile, failing]}
                        """.formatted(hostile.url("/mcp"), failing.url("/mcp")), null, Duration.ofSeconds(1))) {
            ServeFixture.await("the hostile tool list and an incident for the failing server", Duration.ofSeconds(30),
                    () -> Databases.count(web.app().database(), "SELECT COUNT(*) FROM monitor_state WHERE tool_list_id IS NOT NULL") >= 1
                            && Databases.count(web.app().database(), "SELECT COUNT(*) FROM incidents WHERE monitor_id = 'failing'") == 1);
            long incident = Databases.count(web.app().database(), "SELECT id FROM incidents WHERE monitor_id = 'failing'");
            var operator = web.loggedIn();

            List<String> paths = List.of("/", "/?q=%3Cscript%3E", "/monitors/hostile", "/monitors/failing", "/incidents",
                    "/incidents/" + incident, "/status/public", "/status/public/status.json", "/status/public/feed.atom",
                    "/badge/hostile/status.svg", "/badge/failing/latency.svg");
            List<String> bodies = new ArrayList<>();
            for (String path : paths) {
                var r = operator.get(path);
                assertThat(r.status()).as(path).isEqualTo(200);
                assertThat(HostileMcp.escaped(r.body())).as("%s shows the payload only as text:%n%s", path, r.body()).isTrue();
                bodies.add(r.body());
            }

            String hostilePage = bodies.get(2);
            assertThat(hostilePage).contains("evil&lt;script&gt;document.title='pwned';window.__pwned=1&lt;/script&gt;",
                    "&lt;b&gt;bold&lt;/b&gt;&lt;script&gt;", "Description &lt;script&gt;", "&lt;svg onload=");
            assertThat(bodies.get(5)).as("the failure message on the incident page")
                    .contains("upstream says &lt;script&gt;document.title='pwned';window.__pwned=1&lt;/script&gt;&lt;img src=x");
            assertThat(bodies.get(0)).as("the failure message on the overview").contains("upstream says &lt;script&gt;");
            var json = operator.get("/api/monitors/hostile/tools");
            assertThat(json.body()).as("the API carries the text as it came, for programs").contains("<b>bold</b>");
            assertThat(json.header("Content-Type")).startsWith("application/json");
            assertThat(json.header("X-Content-Type-Options")).as("and no browser may sniff it into HTML").isEqualTo("nosniff");
        }
    }
}
