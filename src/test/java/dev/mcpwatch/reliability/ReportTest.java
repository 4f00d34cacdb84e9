package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Reason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code mcpwatch report}'s three formats carry the same figures, each as its readers need them. */
class ReportTest {
    private static final long NOW = History.at("2026-12-01T08:00:00Z");

    private static Report report() {
        History h = new History("2026-10-01T00:00:00Z", Duration.ofDays(61)).monitor("weather").monitor("=cmd|calc");
        h.outage("weather", "2026-10-05T10:00:00Z", Duration.ofMinutes(10), History.Response.p1(Reason.CONNECTION_REFUSED)
                .notified(Duration.ofSeconds(30)).acked(Duration.ofMinutes(2)));
        h.outage("weather", "2026-11-03T10:00:00Z", Duration.ofMinutes(20), History.Response.p1(Reason.CONNECTION_REFUSED)
                .notified(Duration.ofSeconds(30)).acked(Duration.ofMinutes(4)));
        h.outage("=cmd|calc", "2026-11-04T10:00:00Z", Duration.ofMinutes(5), History.Response.p1(Reason.TIMEOUT).by(ResolvedBy.REMEDIATION));
        List<String> all = List.of("weather", "=cmd|calc");
        Figures oct = figures(h, "2026-10", all);
        Figures nov = figures(h, "2026-11", all);
        return new Report("all monitors", nov, oct, List.of(new Report.MonitorFigures("weather", "Weather", figures(h, "2026-11", List.of("weather"))),
                new Report.MonitorFigures("=cmd|calc", "=cmd|calc", figures(h, "2026-11", List.of("=cmd|calc")))), NOW);
    }

    private static Figures figures(History h, String month, List<String> monitors) {
        Period p = Period.month(Period.parseMonth(month));
        Availability a = h.new Rollups(monitors, ms -> true).availability(p, TimeSet.EMPTY, TimeSet.EMPTY, 0);
        return Figures.of(p, a, h.incidentsOf(monitors), m -> TimeSet.EMPTY, NOW);
    }

    @Test
    void csvHasOneRowForTheScopeAndOnePerMonitorWithSecondsAndMinutes() {
        String[] lines = report().csv().split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0].split(",")).containsExactlyElementsOf(Report.CSV_COLUMNS);
        String[] scope = lines[1].split(",", -1);
        assertThat(scope[0]).isEqualTo("all monitors");
        assertThat(scope[1]).isEqualTo("2026-11");
        // 2 × 43,200 probes, 25 failed
        assertThat(scope[2]).isEqualTo(String.format(java.util.Locale.ROOT, "%.4f", 100.0 * (86_400 - 25) / 86_400));
        assertThat(scope[3]).isEqualTo("86400");
        assertThat(scope[4]).isEqualTo("25");
        assertThat(scope[9]).as("incidents").isEqualTo("2");
        assertThat(scope[14]).as("remediated").isEqualTo("1");
        assertThat(scope[15]).as("human").isEqualTo("1");
        // MTTD: 150 s and 120 s; MTTR: 19 min and 4 min
        assertThat(List.of(scope[19], scope[20], scope[21])).containsExactly("2", "135.0", "135.0");
        assertThat(List.of(scope[27], scope[28], scope[29])).containsExactly("2", "690.0", "690.0");
        // change in incidents from October's one, and in mean MTTR from October's 9 min
        assertThat(scope[34]).isEqualTo("1");
        assertThat(scope[35]).isEqualTo("150.0");
        assertThat(lines[2]).startsWith("monitor:weather,2026-11,");
        assertThat(lines[3]).startsWith("monitor:=cmd|calc,2026-11,");
        assertThat(Report.csvText("=HYPERLINK(\"x\")")).as("a cell a spreadsheet would run as a formula is defused and quoted")
                .isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    }

    @Test
    void jsonCarriesTheSameFiguresInMilliseconds() {
        JsonNode j = Json.MAPPER.readTree(report().render(Report.Format.JSON));
        JsonNode nov = j.path("month");
        assertThat(nov.path("period").asString()).isEqualTo("2026-11");
        assertThat(nov.path("from").asString()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(nov.path("availability").path("probes").asLong()).isEqualTo(86_400);
        assertThat(nov.path("incidents").path("bySeverity").path("P1").asInt()).isEqualTo(2);
        assertThat(nov.path("incidents").path("outcomes").path("remediated").asInt()).isEqualTo(1);
        assertThat(nov.path("mttr").path("medianMs").asDouble()).isEqualTo(690_000.0);
        assertThat(nov.path("mttr").path("byOutcome").path("remediated").path("meanMs").asDouble()).isEqualTo(240_000.0);
        assertThat(nov.path("mtta").path("count").asInt()).isEqualTo(1);
        assertThat(nov.path("change").path("incidents").asInt()).isEqualTo(1);
        assertThat(nov.path("incidentList")).hasSize(2);
        assertThat(nov.path("incidentList").get(0).path("mttdMs").asLong()).isEqualTo(150_000);
        assertThat(j.path("previous").path("change").isNull()).isTrue();
        assertThat(j.path("monitors")).hasSize(2);
    }

    @Test
    void markdownIsATableBesideTheMonthBeforeWithCellsThatStayCells() {
        String md = report().markdown();
        assertThat(md).startsWith("# Reliability report: 2026-11, all monitors\n");
        assertThat(md).contains("| | 2026-11 | 2026-10 | change |");
        assertThat(md).contains("| incidents | 2 (P1 2) | 1 (P1 1) | +1 |");
        assertThat(md).contains("| MTTR mean / median / p90 (incidents) | 11 min 30 s / 11 min 30 s / 17 min 30 s (2) | 9 min / 9 min / 9 min (1) | +2 min 30 s mean |");
        assertThat(md).contains("| MTTR, remediated | 4 min / 4 min / 4 min (1) |");
        assertThat(md).contains("| ended: remediated / human / unattended / withdrawn / open | 1 / 1 / 0 / 0 / 0 |");
        assertThat(md).contains("| =cmd\\|calc |").doesNotContain("| =cmd|calc |");
        assertThat(md).contains("| tcp | connection_refused | 1 |");
    }

    @Test
    void anUnknownFormatIsNamed() {
        assertThatThrownBy(() -> Report.Format.of("xlsx")).hasMessage("--format is md, csv or json, got \"xlsx\"");
    }
}
