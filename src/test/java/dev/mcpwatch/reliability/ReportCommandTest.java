package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.cli.Main;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.testkit.Databases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code mcpwatch report} as an operator runs it on the server's machine, in a child JVM against the
 * database serve wrote: February and March 2025 of two monitors, weather (prod) and docs (internal).
 */
class ReportCommandTest {
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

    record Run(int exitCode, String out, String err) {}

    @TempDir
    Path dir;
    private String url;

    @BeforeEach
    void seed() throws Exception {
        url = "jdbc:sqlite:" + dir.resolve("mcpwatch.db");
        History h = new History("2025-02-01T00:00:00Z", Duration.ofDays(28 + 31)).monitor("weather").monitor("docs");
        h.outage("weather", "2025-02-10T10:00:00Z", Duration.ofMinutes(20), History.Response.p1(Reason.CONNECTION_REFUSED)
                .notified(Duration.ofSeconds(30)).acked(Duration.ofMinutes(4)));
        h.outage("weather", "2025-03-03T10:00:00Z", Duration.ofMinutes(10), History.Response.p1(Reason.CONNECTION_REFUSED)
                .notified(Duration.ofSeconds(30)).acked(Duration.ofMinutes(2)));
        h.outage("docs", "2025-03-04T12:00:00Z", Duration.ofMinutes(5), History.Response.p1(Reason.TIMEOUT).by(ResolvedBy.REMEDIATION));
        Map<String, List<String>> tags = new LinkedHashMap<>();
        tags.put("weather", List.of("prod"));
        tags.put("docs", List.of("internal"));
        try (Database db = Databases.reopenUrl(url)) {
            HistoryRows.write(db, h, tags, day -> false);
        }
    }

    @Test
    void markdownHasTheMonthBesideTheMonthBeforeAndEveryIncident() throws Exception {
        Run run = mcpwatch("report", "--db", url, "--month", "2025-03");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith("# Reliability report: 2025-03, all monitors\n")
                .contains("| | 2025-03 | 2025-02 | change |")
                .contains("| probes counted (failed) | 89,280 (15) | 80,640 (20) |")
                .contains("| incidents | 2 (P1 2) | 1 (P1 1) | +1 |")
                // weather 150 s (alert 30 s after detection), docs 120 s (nothing was sent)
                .contains("| MTTD mean / median / p90 (incidents) | 2 min 15 s / 2 min 15 s / 2 min 27 s (2) |")
                // weather 9 min, docs 4 min
                .contains("| MTTR mean / median / p90 (incidents) | 6 min 30 s / 6 min 30 s / 8 min 30 s (2) |")
                .contains("| MTTR, remediated | 4 min / 4 min / 4 min (1) |")
                .contains("## Monitors").contains("| Monitor weather (weather) |")
                .contains("| connection_refused |");
    }

    @Test
    void csvForATagHasTheTagsRowAndItsMonitorsOnly() throws Exception {
        Run run = mcpwatch("report", "--db", url, "--month", "2025-03", "--tag", "prod", "--format", "csv");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String[] lines = run.out().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("scope,period,availability_pct,probes,failures,");
        String[] scope = lines[1].split(",", -1);
        assertThat(List.of(scope[0], scope[1], scope[3], scope[4], scope[9])).containsExactly("tag prod", "2025-03", "44640", "10", "1");
        assertThat(lines[2]).startsWith("monitor:weather,2025-03,");
    }

    @Test
    void jsonCarriesTheFiguresInMilliseconds() throws Exception {
        Run run = mcpwatch("report", "--db", url, "--month", "2025-03", "--monitor", "docs", "--format", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode report = Json.MAPPER.readTree(run.out());
        assertThat(report.path("scope").asString()).isEqualTo("monitor docs");
        JsonNode month = report.path("month");
        assertThat(month.path("period").asString()).isEqualTo("2025-03");
        assertThat(month.path("availability").path("probes").asLong()).isEqualTo(44_640);
        assertThat(month.path("incidents").path("outcomes").path("remediated").asInt()).isEqualTo(1);
        assertThat(month.path("mttr").path("medianMs").asDouble()).isEqualTo(4 * 60_000.0);
        assertThat(month.path("incidentList").get(0).path("reason").asString()).isEqualTo("timeout");
        assertThat(report.path("previous").path("incidents").path("count").asInt()).isZero();
    }

    @Test
    void badInputIsNamed() throws Exception {
        Run month = mcpwatch("report", "--db", url, "--month", "2025-13");
        Run tag = mcpwatch("report", "--db", url, "--month", "2025-03", "--tag", "staging");
        Run format = mcpwatch("report", "--db", url, "--month", "2025-03", "--format", "xml");
        Run both = mcpwatch("report", "--db", url, "--month", "2025-03", "--tag", "prod", "--monitor", "docs");

        assertThat(month.exitCode()).isEqualTo(1);
        assertThat(month.err()).contains("a month is written YYYY-MM (e.g. 2026-11), got \"2025-13\"");
        assertThat(tag.exitCode()).isEqualTo(1);
        assertThat(tag.err()).contains("no monitor has the tag 'staging'");
        assertThat(format.err()).contains("--format is md, csv or json, got \"xml\"");
        assertThat(both.err()).contains("give a monitor or a tag, not both");
        assertThat(List.of(month.out(), tag.out(), format.out(), both.out())).allMatch(String::isEmpty);
    }

    private Run mcpwatch(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("mcpwatch %s exits within 60 s", String.join(" ", args)).isTrue();
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.destroyForcibly();
        }
    }
}
