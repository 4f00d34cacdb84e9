package dev.mcpwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.status.StatusPages;
import dev.mcpwatch.status.StatusRoutes;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.WebFixture;
import dev.mcpwatch.web.Templates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a public status page costs: one render from the database (10 monitors with 90 days of
 * history, one in an outage), and requests per second on this machine with wrk (Debian's
 * {@code wrk}, a separate process on loopback, 2 threads, 32 connections, 10 s per run) for the page,
 * a revalidation (If-None-Match, answered 304), the page's JSON and a badge. A bench, not a test.
 *
 * <p>Run: {@code apt-get install -y wrk} once, then
 * {@code mvn test -Dtest=StatusPageBench -Dsurefire.failIfNoSpecifiedTests=false}; the figures are in
 * {@code target/bench/status-page.txt}.
 */
class StatusPageBench {
    static final int MONITORS = 10;

    @Test
    void statusPageRequestsPerSecond() throws Exception {
        Path wrk = Path.of("/usr/bin/wrk");
        assertThat(Files.isExecutable(wrk)).as("wrk is needed: apt-get install -y wrk").isTrue();
        Path dir = ServeFixture.tempDir("mcpwatch-status-bench-");
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < MONITORS; i++) {
            ids.append(i == 0 ? "" : ", ").append(ScaleData.id(i));
        }
        try (WebFixture web = WebFixture.start(dir, "monitors: []\nstatus_pages:\n  - {slug: public, title: Bench, monitors: [" + ids + "]}\n")) {
            ScaleData.seed(web.app().database(), MONITORS, System.currentTimeMillis());
            var first = web.client().get("/status/public");
            assertThat(first.body()).contains("Major outage", "Monitor 9");
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "status page with %d monitors (90 days of day rollups, one outage), SQLite, %s%n", MONITORS,
                    first.body().getBytes(StandardCharsets.UTF_8).length + " bytes of HTML"));

            StatusPages pages = new StatusPages(web.app().database(), web::web);
            var config = web.web().statusPage("public").orElseThrow();
            for (int i = 0; i < 50; i++) {
                render(pages, config);
            }
            int n = 200;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                render(pages, config);
            }
            out.append(String.format(Locale.ROOT, "uncached render (database + template): %.2f ms each, mean of %d%n",
                    (System.nanoTime() - t0) / 1e6 / n, n));

            String etag = first.header("ETag");
            out.append(wrk(wrk, web.url("/status/public"), null, "page (200, from the 5 s render cache)"));
            out.append(wrk(wrk, web.url("/status/public"), "If-None-Match: " + etag, "revalidation (304)"));
            out.append(wrk(wrk, web.url("/status/public/status.json"), null, "page JSON"));
            out.append(wrk(wrk, web.url("/badge/" + ScaleData.id(1) + "/uptime.svg?period=30d"), null, "uptime badge"));
            Path report = Path.of("target", "bench", "status-page.txt");
            Files.createDirectories(report.getParent());
            Files.writeString(report, out);
            System.out.print(out);
        }
    }

    private static void render(StatusPages pages, dev.mcpwatch.config.WebSettings.StatusPageConfig config) throws Exception {
        var view = pages.view(config, System.currentTimeMillis());
        Templates.render("status/page.jte", new StatusRoutes.PageHtml(view, "/feed", "/json"));
    }

    /** One bounded wrk run (2 threads, 32 connections, 10 s; killed after 30 s); its requests per second and latency. */
    private static String wrk(Path wrk, String url, String header, String what) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(wrk.toString(), "-t2", "-c32", "-d10s", "--latency"));
        if (header != null) {
            cmd.addAll(List.of("-H", header));
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text;
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("wrk did not finish in 30 s");
            }
            text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
        Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(text);
        Matcher p50 = Pattern.compile("(?m)^\\s+50%\\s+(\\S+)").matcher(text);
        Matcher p99 = Pattern.compile("(?m)^\\s+99%\\s+(\\S+)").matcher(text);
        Matcher errors = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(text);
        assertThat(rps.find()).as(text).isTrue();
        assertThat(errors.find()).as("every answer was 2xx/3xx:%n%s", text).isFalse();
        return String.format(Locale.ROOT, "%-40s %10s req/s   latency p50 %s, p99 %s%n", what, rps.group(1), p50.find() ? p50.group(1) : "?",
                p99.find() ? p99.group(1) : "?");
    }
}
