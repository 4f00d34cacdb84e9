package dev.mcpwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's overview at 10,000 monitors (each with 24 hour and 90 day rollups, 100 of them
 * down with an open incident): server time (from the page's own Server-Timing header: database and
 * rendering) and wall time over loopback, and the size of the page, for the first page, a deep page,
 * and each filter. A bench, not a test: it asserts what the pages show, never how fast.
 *
 * <p>Run: {@code mvn test -Dtest=OverviewScaleBench -Dsurefire.failIfNoSpecifiedTests=false}; the
 * figures are in {@code target/bench/overview.txt}.
 */
class OverviewScaleBench {
    static final int MONITORS = 10_000;
    static final int RUNS = 30;

    @Test
    void theOverviewAtTenThousandMonitors() throws Exception {
        Path dir = ServeFixture.tempDir("mcpwatch-overview-bench-");
        try (WebFixture web = WebFixture.start(dir, "monitors: []\n")) {
            long seedStart = System.nanoTime();
            ScaleData.seed(web.app().database(), MONITORS, System.currentTimeMillis());
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            System.out.printf("seeded in %.1f s%n", seedSeconds);
            var operator = web.loggedIn();
            long t = System.nanoTime();
            String first = operator.get("/").body();
            System.out.printf("first page in %.1f ms%n", (System.nanoTime() - t) / 1e6);
            assertThat(first).contains(MONITORS + " monitors", "100 down", "200 suspect");
            t = System.nanoTime();
            String deep = deepLink(operator, 100);
            System.out.printf("walked 100 pages in %.1f s%n", (System.nanoTime() - t) / 1e9);
            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("first page (50 rows)", "/");
            pages.put("page 101 (cursor)", deep);
            pages.put("state=down (100 match)", "/?status=down");
            pages.put("tag=staging (3,334 match)", "/?tag=staging");
            pages.put("search q=m-0999 (10 match)", "/?q=m-0999");
            pages.put("limit=200", "/?limit=200");
            assertThat(rows(operator.get("/?status=down").body())).isEqualTo(50);
            assertThat(rows(operator.get("/?q=m-0999").body())).isEqualTo(10);

            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "overview at %,d monitors (%,d rollup rows), SQLite; seeded in %.1f s%n", MONITORS,
                    MONITORS * 114L, seedSeconds));
            out.append(String.format(Locale.ROOT, "%-28s %10s %10s %10s %10s %10s %10s%n", "page", "db p50", "render p50", "server p50",
                    "server p95", "wall p50", "bytes"));
            for (var e : pages.entrySet()) {
                for (int i = 0; i < 5; i++) {
                    operator.get(e.getValue()); // warm-up
                }
                double[] db = new double[RUNS];
                double[] render = new double[RUNS];
                double[] server = new double[RUNS];
                double[] wall = new double[RUNS];
                int bytes = 0;
                for (int i = 0; i < RUNS; i++) {
                    long t0 = System.nanoTime();
                    var r = operator.get(e.getValue());
                    wall[i] = (System.nanoTime() - t0) / 1e6;
                    assertThat(r.status()).isEqualTo(200);
                    Matcher m = Pattern.compile("db;dur=([0-9.]+), render;dur=([0-9.]+)").matcher(r.header("Server-Timing"));
                    assertThat(m.find()).isTrue();
                    db[i] = Double.parseDouble(m.group(1));
                    render[i] = Double.parseDouble(m.group(2));
                    server[i] = db[i] + render[i];
                    bytes = r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                }
                out.append(String.format(Locale.ROOT, "%-28s %8.1f ms %8.1f ms %8.1f ms %8.1f ms %8.1f ms %10s%n", e.getKey(), q(db, 0.5),
                        q(render, 0.5), q(server, 0.5), q(server, 0.95), q(wall, 0.5), String.format(Locale.ROOT, "%,d", bytes)));
            }
            Path report = Path.of("target", "bench", "overview.txt");
            Files.createDirectories(report.getParent());
            Files.writeString(report, out);
            System.out.print(out);
        }
    }

    /** Follows "Next" {@code pages} times; the link of the last page reached. */
    private static String deepLink(WebFixture.Client operator, int pages) throws Exception {
        String path = "/";
        for (int i = 0; i < pages; i++) {
            Matcher m = Pattern.compile("<a rel=\"next\" href=\"([^\"]+)\">").matcher(operator.get(path).body());
            assertThat(m.find()).as("page %d has a next link", i).isTrue();
            path = m.group(1).replace("&amp;", "&");
        }
        List<String> ids = new ArrayList<>();
        Matcher row = Pattern.compile("href=\"/monitors/(m-\\d+)\"").matcher(operator.get(path).body());
        while (row.find()) {
            ids.add(row.group(1));
        }
        assertThat(ids.getFirst()).isEqualTo(ScaleData.id(pages * 50));
        return path;
    }

    private static int rows(String html) {
        return html.split("<th scope=\"row\">").length - 1;
    }

    private static double q(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }
}
