package dev.mcpwatch.detect;

import static dev.mcpwatch.detect.Probe.every;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.MonitorStatus;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.monitor.ProbeAndRecord;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.probe.ToolList;
import dev.mcpwatch.store.SchemaStore;
import dev.mcpwatch.store.WarningStore.WarningRow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The detection quality bar: recorded probe sequences, made here, replayed through the real recorder
 * and detector on a real database, with the exact incidents, severities, warnings and times they
 * must produce. Time comes from the results only, so every expected time below is derived from the
 * sequence by hand (the comments show how). Runs on SQLite and on PostgreSQL (see the subclasses).
 *
 * <p>Times are offsets from {@link #T0}, written as ISO durations in the expectations
 * ({@code PT2H0M20.001S} is two hours, twenty seconds and one millisecond after T0).
 */
abstract class ReplayScenarios {
    static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");

    private Replay replay;

    /** A fresh, empty, migrated database for one scenario. */
    abstract Replay open();

    Replay replay() {
        if (replay == null) {
            replay = open();
        }
        return replay;
    }

    @AfterEach
    void closeDatabase() {
        if (replay != null) {
            replay.close();
        }
    }

    // ---- outages ----------------------------------------------------------------------------

    @Test
    void aCleanOutageOpensOneP1IncidentAtTheThirdFailureAndResolvesAtTheSecondSuccess() {
        MonitorConfig api = replay().monitor("monitors: [{id: api, url: 'https://api.example.com/mcp'}]");
        every(Duration.ofMinutes(1), T0, t(2, 0, 0)).forEach(at -> record(api, Probe.at(at).ms(120)));
        // Refused from 2h: re-probed every 10 s until confirmed (3 failures), then every minute while down.
        record(api, Probe.at(t(2, 0, 0)).refused());
        record(api, Probe.at(t(2, 0, 10)).refused());
        record(api, Probe.at(t(2, 0, 20)).refused());
        every(Duration.ofMinutes(1), t(2, 1, 20), t(2, 10, 20)).forEach(at -> record(api, Probe.at(at).refused()));
        record(api, Probe.at(t(2, 10, 20)).ms(120));
        record(api, Probe.at(t(2, 10, 30)).ms(120));
        every(Duration.ofMinutes(1), t(2, 11, 30), t(2, 30, 0)).forEach(at -> record(api, Probe.at(at).ms(120)));

        assertThat(incidents("api")).containsExactly(
                "resolved P1 connection_refused tcp connect onset=PT2H detected=PT2H20.001S resolved=PT2H10M30.12S failing=12");
        assertThat(events()).containsExactly(
                "incident.opened P1 connection_refused PT2H20.001S",
                "incident.resolved recovered PT2H10M30.12S");
        assertThat(replay().warnings("api")).isEmpty();
    }

    @Test
    void aSingleFailedProbeAmongSuccessesOpensNothingAndWarnsOfNothing() {
        MonitorConfig api = replay().monitor("monitors: [{id: api, url: 'https://api.example.com/mcp'}]");
        for (Instant at : every(Duration.ofMinutes(1), T0, t(3, 0, 0))) {
            if (at.equals(t(1, 30, 0))) {
                record(api, Probe.at(at).refused());
                record(api, Probe.at(at.plusSeconds(10)));
            } else {
                record(api, Probe.at(at));
            }
        }

        assertThat(replay().incidents("api")).isEmpty();
        assertThat(replay().warnings("api")).isEmpty();
        assertThat(replay().events()).isEmpty();
        assertThat(replay().state("api").status()).isEqualTo(MonitorStatus.UP);
    }

    // ---- flapping, and an outage on a degraded monitor -------------------------------------

    @Test
    void flappingOpensAP2IncidentThatAnOutageRaisesToP1AndThatFallsBackAndResolvesWhenStable() {
        MonitorConfig api = replay().monitor("monitors: [{id: api, url: 'https://api.example.com/mcp'}]");
        every(Duration.ofMinutes(1), T0, t(1, 0, 0)).forEach(at -> record(api, Probe.at(at)));
        // Two short failures, each recovered at the 10 s retry: changes at 1h, 1h0m10s, 1h2m10s, 1h2m20s.
        record(api, Probe.at(t(1, 0, 0)).refused());
        record(api, Probe.at(t(1, 0, 10)));
        record(api, Probe.at(t(1, 1, 10)));
        record(api, Probe.at(t(1, 2, 10)).refused());
        record(api, Probe.at(t(1, 2, 20)));                       // 4th change within 30 min: flapping, P2
        every(Duration.ofMinutes(1), t(1, 3, 20), t(1, 10, 20)).forEach(at -> record(api, Probe.at(at)));
        record(api, Probe.at(t(1, 10, 20)).refused());
        record(api, Probe.at(t(1, 10, 30)).refused());
        record(api, Probe.at(t(1, 10, 40)).refused());            // outage confirmed: the same incident, now P1
        every(Duration.ofMinutes(1), t(1, 11, 40), t(1, 20, 40)).forEach(at -> record(api, Probe.at(at).refused()));
        record(api, Probe.at(t(1, 20, 40)));
        record(api, Probe.at(t(1, 20, 50)));                      // outage over, still flapping: back to P2
        // Stable from here; the last change was at 1h20m40s, so flapping ends at the first probe
        // finishing after 1h50m40s: 1h50m50s (probes at 1h21m50s + whole minutes).
        every(Duration.ofMinutes(1), t(1, 21, 50), t(2, 0, 0)).forEach(at -> record(api, Probe.at(at)));

        assertThat(incidents("api")).containsExactly(
                "resolved P2 connection_refused tcp connect onset=PT1H detected=PT1H2M20.1S resolved=PT1H50M50.1S failing=12");
        assertThat(events()).containsExactly(
                "incident.opened P2 connection_refused PT1H2M20.1S",
                "incident.severity_changed P2→P1 PT1H10M40.001S",
                "incident.severity_changed P1→P2 PT1H20M50.1S",
                "incident.resolved recovered PT1H50M50.1S");
        Incident incident = replay().incidents("api").getFirst();
        assertThat(incident.headline().message()).isEqualTo("Flapping: 4 changes between passing and failing within 30 min; "
                + "last failure: Connection refused to 127.0.0.1:443");
        assertThat(replay().timeline(incident.id())).extracting(TimelineEvent::kind)
                .containsExactly("opened", "condition", "outage", "severity", "severity", "condition", "resolved");
        assertThat(replay().timeline(incident.id()).get(4).detail().path("why").asString())
                .isEqualTo("the outage is over; still degraded: " + incident.headline().message());
    }

    // ---- latency ----------------------------------------------------------------------------

    @Test
    void aSlowDegradationWarnsOfTheTrendFirstThenOpensAP2IncidentAtTwiceTheBaseline() {
        MonitorConfig api = replay().monitor("monitors: [{id: api, url: 'https://api.example.com/mcp', interval: 5m}]");
        // A week at 100 ms, then ten hours climbing, then a fix at 178h brings it back to 100 ms.
        long[] climb = {112, 125, 140, 157, 176, 188, 230, 250, 250, 250};
        for (Instant at : every(Duration.ofMinutes(5), T0, t(182, 10, 0))) {
            long hour = Duration.between(T0, at).toHours();
            long ms = hour >= 168 && hour < 178 ? climb[(int) (hour - 168)] : 100;
            record(api, Probe.at(at).ms(ms));
        }

        // Trend, judged at each hour on the 48 completed hours. At 173h the last six are
        // 100, 112, 125, 140, 157, 176: median 132.5 ms, +32.5 % over the first six (100 ms); at 172h it
        // was 118.5 ms (+18.5 %). Mann–Kendall: S = 43·5 + 10 = 225, var = (48·47·101 − 43·42·91)/18,
        // z = 224/59.4 = 3.8. At 182h the last six are 250, 250, 100, 100, 100, 100: median 100, cleared.
        assertThat(replay().warnings("api")).extracting(WarningRow::type, WarningRow::message, w -> offset(w.raisedAt()),
                w -> offset(w.clearedAt())).containsExactly(tuple("latency.trend",
                        "p95 latency is trending up: 100 ms → 133 ms (+32.5%) over the last 48 h (Mann–Kendall z = 3.8, p < 0.001)",
                        "PT173H0.188S", "PT182H0.1S"));
        // p95 of the last 15 min (4 probes: the third slowest) reaches 230 ms ≥ 2 × 100 ms at 174h05m and
        // stays there; 15 min later, at 174h20m, the incident opens, onset 174h05m. After the fix it is
        // 100 ms from 178h10m; 15 min later, at 178h25m, it resolves.
        assertThat(incidents("api")).containsExactly(
                "resolved P2 timeout time total onset=PT174H5M0.23S detected=PT174H20M0.23S resolved=PT178H25M0.1S failing=0");
        assertThat(replay().incidents("api").getFirst().headline().message()).isEqualTo("p95 latency 230 ms over the last 15 min is 2.3× its "
                + "baseline of 100 ms (median hourly p95 over 7 days), for 15 min or more");
        assertThat(events()).containsExactly(
                "latency.trend P3 PT173H0.188S",
                "incident.opened P2 timeout PT174H20M0.23S",
                "incident.resolved recovered PT178H25M0.1S");
    }

    // ---- schema drift -----------------------------------------------------------------------

    @Test
    void aDriftIsWarnedOnceWithItsChangesUntilAcknowledgedAndTheNextOneAgainstTheNewBaseline() {
        MonitorConfig weather = replay().monitor("monitors: [{id: weather, url: 'https://weather.example.com/mcp'}]");
        var cityAsNumber = Probe.tool("get_weather", "city");
        ((tools.jackson.databind.node.ObjectNode) cityAsNumber.get("inputSchema").get("properties").get("city")).put("type", "number");
        var alertsReworded = Probe.tool("get_alerts", "region").put("description", "Severe weather alerts for a region");
        ToolList v2 = Probe.tools(cityAsNumber, alertsReworded);
        ToolList v3 = Probe.tools(cityAsNumber, alertsReworded, Probe.tool("get_radar", "station"));

        every(Duration.ofMinutes(1), T0, t(1, 0, 0)).forEach(at -> record(weather, Probe.at(at)));
        every(Duration.ofMinutes(1), t(1, 0, 0), t(1, 30, 0)).forEach(at -> record(weather, Probe.at(at).tools(v2)));
        replay().acknowledge("weather", "alice", t(1, 30, 0).toEpochMilli());
        every(Duration.ofMinutes(1), t(1, 30, 0), t(2, 0, 0)).forEach(at -> record(weather, Probe.at(at).tools(v2)));
        every(Duration.ofMinutes(1), t(2, 0, 0), t(2, 30, 0)).forEach(at -> record(weather, Probe.at(at).tools(v3).version("1.1.0")));
        every(Duration.ofMinutes(1), t(2, 30, 0), t(3, 0, 0)).forEach(at -> record(weather, Probe.at(at).tools(v2)));

        assertThat(replay().warnings("weather")).extracting(WarningRow::type, WarningRow::message, w -> offset(w.raisedAt()),
                w -> offset(w.clearedAt())).containsExactly(
                tuple("drift.detected", "Schema drift: 2 changes to the tool list (1 breaking): parameter `city` of tool `get_weather` "
                        + "changed type from string to number [breaking]; description of tool `get_alerts` changed — the schema "
                        + "changed without a version bump (server still reports version 1.0.0)", "PT1H0.1S", "PT1H30M"),
                tuple("drift.detected", "Schema drift: 1 change to the tool list (none breaking): tool `get_radar` was added — "
                        + "server version 1.0.0 → 1.1.0", "PT2H0.1S", "PT2H30M0.1S"));
        assertThat(events()).containsExactly("drift.detected P3 PT1H0.1S", "drift.detected P3 PT2H0.1S");
        assertThat(replay().baselines("weather")).extracting(SchemaStore.Baseline::setBy, b -> offset(b.setAt()),
                b -> offset(b.replacedAt()), SchemaStore.Baseline::serverVersion).containsExactly(
                tuple("first healthy list", "PT0.1S", "PT1H30M", "1.0.0"),
                tuple("alice", "PT1H30M", null, "1.0.0"));
        assertThat(replay().drifts("weather")).extracting(SchemaStore.DriftRow::breaking, SchemaStore.DriftRow::unannounced,
                SchemaStore.DriftRow::acknowledgedBy).containsExactly(tuple(1, true, "alice"), tuple(0, false, null));
        assertThat(replay().drifts("weather").getFirst().changes()).extracting(c -> c.path("kind").asString(), c -> c.path("breaking").asBoolean())
                .containsExactly(tuple("description_changed", false), tuple("type_changed", true));
        assertThat(replay().incidents("weather")).isEmpty();
    }

    @Test
    void anIntermittentToolRegistryOpensAP2IncidentForFewerToolsThanTheBaseline() {
        MonitorConfig registry = replay().monitor("monitors: [{id: registry, url: 'https://registry.example.com/mcp'}]");
        ToolList full = Probe.tools(Probe.tool("a"), Probe.tool("b"), Probe.tool("c"), Probe.tool("d"), Probe.tool("e"));
        ToolList partial = Probe.tools(Probe.tool("a"), Probe.tool("b"), Probe.tool("c"));
        every(Duration.ofMinutes(1), T0, t(1, 0, 0)).forEach(at -> record(registry, Probe.at(at).tools(full)));
        // Short, full, short, short: 3 of the last 5 lists short at 1h3m.
        record(registry, Probe.at(t(1, 0, 0)).tools(partial));
        record(registry, Probe.at(t(1, 1, 0)).tools(full));
        record(registry, Probe.at(t(1, 2, 0)).tools(partial));
        record(registry, Probe.at(t(1, 3, 0)).tools(partial));
        // Five complete lists in a row end it, at 1h8m.
        every(Duration.ofMinutes(1), t(1, 4, 0), t(1, 30, 0)).forEach(at -> record(registry, Probe.at(at).tools(full)));

        assertThat(incidents("registry")).containsExactly(
                "resolved P2 tools_missing tools tools_list onset=PT1H detected=PT1H3M0.1S resolved=PT1H8M0.1S failing=3");
        assertThat(replay().incidents("registry").getFirst().headline().message())
                .isEqualTo("tools/list returned fewer tools than the baseline's 5 in 3 of the last 5 probes (last: 3); missing `d`, `e`");
        // The short list is a drift too, warned once: back on the baseline at 1h1m clears it, and the
        // same short list again is not news.
        assertThat(replay().warnings("registry")).extracting(w -> offset(w.raisedAt()), w -> offset(w.clearedAt()))
                .containsExactly(tuple("PT1H0.1S", "PT1H1M0.1S"));
        assertThat(events()).containsExactly(
                "drift.detected P3 PT1H0.1S",
                "incident.opened P2 tools_missing PT1H3M0.1S",
                "incident.resolved recovered PT1H8M0.1S");
    }

    // ---- certificates -----------------------------------------------------------------------

    @Test
    void aCertificateNearingExpiryGetsOneReminderPerThresholdThenItsExpiryIsAP1Outage() {
        MonitorConfig secure = replay().monitor("monitors: [{id: secure, url: 'https://weather.example.com/mcp', interval: 60m}]");
        Instant notAfter = t(35 * 24 + 12, 0, 0); // 2026-12-07T12:00Z
        every(Duration.ofHours(1), T0, notAfter).forEach(at -> record(secure, Probe.at(at).certificate(notAfter)));
        String expired = "Certificate for weather.example.com expired on 2026-12-07T12:00:00Z";
        record(secure, Probe.at(notAfter).certificate(notAfter).fails(Reason.CERT_EXPIRED, Phase.TLS, expired).ms(50));
        record(secure, Probe.at(notAfter.plusSeconds(10)).certificate(notAfter).fails(Reason.CERT_EXPIRED, Phase.TLS, expired).ms(50));
        record(secure, Probe.at(notAfter.plusSeconds(20)).certificate(notAfter).fails(Reason.CERT_EXPIRED, Phase.TLS, expired).ms(50));
        every(Duration.ofHours(1), notAfter.plusSeconds(3620), t(36 * 24, 0, 20)).forEach(at -> record(secure,
                Probe.at(at).certificate(notAfter).fails(Reason.CERT_EXPIRED, Phase.TLS, expired).ms(50)));
        Instant renewed = t(126 * 24, 0, 0);
        record(secure, Probe.at(t(36 * 24, 0, 20)).certificate(renewed));
        record(secure, Probe.at(t(36 * 24, 0, 30)).certificate(renewed));
        every(Duration.ofHours(1), t(36 * 24 + 1, 0, 30), t(37 * 24, 0, 0)).forEach(at -> record(secure, Probe.at(at).certificate(renewed)));

        // Days left = floor((notAfter − finish) / 1 day): 30 from the probe at 4d12h (31 days less 100 ms
        // before expiry), 14 from 20d12h, 7 from 27d12h, 1 from 33d12h. Each reminder clears the one
        // before; the renewed certificate clears the last.
        assertThat(replay().warnings("secure")).extracting(WarningRow::type, WarningRow::message, w -> offset(w.raisedAt()),
                w -> offset(w.clearedAt())).containsExactly(
                tuple("certificate.expiring", "TLS certificate CN=weather.example.com expires in 30 days, on 2026-12-07 (reminder at 30 days)",
                        "PT108H0.1S", "PT492H0.1S"),
                tuple("certificate.expiring", "TLS certificate CN=weather.example.com expires in 14 days, on 2026-12-07 (reminder at 14 days)",
                        "PT492H0.1S", "PT660H0.1S"),
                tuple("certificate.expiring", "TLS certificate CN=weather.example.com expires in 7 days, on 2026-12-07 (reminder at 7 days)",
                        "PT660H0.1S", "PT804H0.1S"),
                tuple("certificate.expiring", "TLS certificate CN=weather.example.com expires in 1 day, on 2026-12-07 (reminder at 1 day)",
                        "PT804H0.1S", "PT864H20.1S"));
        assertThat(incidents("secure")).containsExactly(
                "resolved P1 cert_expired tls tls onset=PT852H detected=PT852H20.05S resolved=PT864H30.1S failing=14");
        assertThat(events()).containsExactly(
                "certificate.expiring P3 PT108H0.1S",
                "certificate.expiring P3 PT492H0.1S",
                "certificate.expiring P3 PT660H0.1S",
                "certificate.expiring P3 PT804H0.1S",
                "incident.opened P1 cert_expired PT852H20.05S",
                "incident.resolved recovered PT864H30.1S");
    }

    // ---- some tools failing -----------------------------------------------------------------

    @Test
    void oneToolFailingWhileOthersSucceedWarnsOfItsErrorRateThenOpensAP2IncidentWhenItFailsInARow() {
        MonitorConfig forecast = replay().monitor("""
                monitors:
                  - id: forecast
                    url: https://weather.example.com/mcp
                    expect:
                      calls: [{tool: forecast}, {tool: alerts}, {tool: radar}]
                """);
        Set<Long> isolated = Set.of(10L, 30L, 50L, 70L, 90L, 110L, 130L);
        for (Instant at : every(Duration.ofMinutes(1), T0, t(3, 0, 0))) {
            long minute = Duration.between(T0, at).toMinutes();
            boolean alertsFails = isolated.contains(minute) || (minute >= 150 && minute <= 154);
            record(forecast, Probe.at(at).call("forecast", true).call("alerts", !alertsFails).call("radar", true));
        }

        // At 1h: 3 failures in 60 calls of hour 0 (5 %) ≥ 1 %, ≥ 20 calls. Still held at 2h (6 in 120).
        assertThat(replay().warnings("forecast")).extracting(WarningRow::type, WarningRow::subject, WarningRow::message,
                w -> offset(w.raisedAt()), WarningRow::clearedAt).containsExactly(tuple("tool.error_rate", "alerts",
                        "health-check tool `alerts` failed 3 of 60 calls (5%) in the last 24 h", "PT1H0.1S", null));
        // Failing at 2h30m, 2h31m, 2h32m while forecast and radar succeed: P2 at the third; two successes
        // (2h35m, 2h36m) after the run ends at 2h34m resolve it.
        assertThat(incidents("forecast")).containsExactly(
                "resolved P2 tool_call_error tools tool_call onset=PT2H30M detected=PT2H32M0.1S resolved=PT2H36M0.1S failing=3");
        assertThat(replay().incidents("forecast").getFirst().headline().message()).isEqualTo(
                "Health-check tool `alerts` failed in 3 probes in a row while `forecast`, `radar` succeed: upstream 502");
        assertThat(events()).containsExactly(
                "tool.error_rate P3 PT1H0.1S",
                "incident.opened P2 tool_call_error PT2H32M0.1S",
                "incident.resolved recovered PT2H36M0.1S");
        assertThat(replay().state("forecast").status()).as("the server stayed up throughout").isEqualTo(MonitorStatus.UP);
    }

    // ---- what an outage's own probes must not do (issue: what an operator trips over) -------

    @Test
    void anEmptyToolListOutageResolvesAsTheP1ItWasConfirmedWithAndNoDegradationFollowsTheRestore() {
        MonitorConfig echo = replay().monitor("monitors: [{id: echo, url: 'https://echo.example.com/mcp'}]");
        ToolList three = Probe.tools(Probe.tool("echo"), Probe.tool("add", "a"), Probe.tool("sum", "a"));
        Instant emptied = t(1, 0, 30);
        Instant restored = t(1, 5, 30);
        schedule(echo, T0, t(1, 30, 0), at -> at.isBefore(emptied) || !at.isBefore(restored) ? Probe.at(at).tools(three)
                : Probe.at(at).tools(Probe.tools()).fails(Reason.TOOLS_LIST_EMPTY, Phase.TOOLS_LIST,
                        "tools/list returned 0 tools, expected at least 1"));

        // Scheduled at whole minutes; the 1h1m probe fails, re-probed 10 s after each failure (100 ms
        // probes): confirmed at 1h1m20.2s. Down: every minute from there (1h2m20.2s …); the 1h6m20.2s
        // probe passes, the retry 10 s later resolves it — a minute after the restore, not four.
        assertThat(incidents("echo")).containsExactly(
                "resolved P1 tools_list_empty tools tools_list onset=PT1H1M detected=PT1H1M20.3S resolved=PT1H6M30.4S failing=7");
        assertThat(events()).as("no degradation when the tools came back, so no severity change and no drift")
                .containsExactly("incident.opened P1 tools_list_empty PT1H1M20.3S", "incident.resolved recovered PT1H6M30.4S");
        assertThat(replay().detection("echo").get("tools.fewer").held().isEmpty()).isTrue();
    }

    @Test
    void aFailedProbesEmptyToolListIsNoSchemaDrift() {
        MonitorConfig echo = replay().monitor("monitors: [{id: echo, url: 'https://echo.example.com/mcp'}]");
        every(Duration.ofMinutes(1), T0, t(1, 0, 0)).forEach(at -> record(echo, Probe.at(at)));
        // Two probes whose tools/list came back empty (failed, not yet confirmed), then the tools are back.
        record(echo, Probe.at(t(1, 0, 0)).tools(Probe.tools()).fails(Reason.TOOLS_LIST_EMPTY, Phase.TOOLS_LIST,
                "tools/list returned 0 tools, expected at least 1"));
        record(echo, Probe.at(t(1, 0, 10)).tools(Probe.tools()).fails(Reason.TOOLS_LIST_EMPTY, Phase.TOOLS_LIST,
                "tools/list returned 0 tools, expected at least 1"));
        every(Duration.ofMinutes(1), t(1, 0, 20), t(1, 30, 0)).forEach(at -> record(echo, Probe.at(at)));

        assertThat(replay().warnings("echo")).as("drift is computed from healthy lists only").isEmpty();
        assertThat(replay().drifts("echo")).isEmpty();
        assertThat(events()).isEmpty();
        assertThat(replay().baselines("echo")).hasSize(1);
    }

    @Test
    void anIncidentKeepsTheSeverityAndReasonItWasConfirmedWithWhileTheSeverityInForceRisesAndFalls() {
        MonitorConfig forecast = replay().monitor("""
                monitors:
                  - id: forecast
                    url: https://weather.example.com/mcp
                    expect:
                      calls: [{tool: forecast}, {tool: alerts}]
                """);
        Instant alertsBreaks = t(1, 0, 0);
        Instant refused = t(1, 10, 0);
        Instant reachable = t(1, 20, 0);
        Instant alertsMended = t(1, 30, 0);
        schedule(forecast, T0, t(1, 15, 0), at -> weather(at, alertsBreaks, refused, reachable, alertsMended));
        Incident during = replay().incidents("forecast").getFirst();
        assertThat(during.severity()).as("the record: confirmed as P2").isEqualTo(Severity.P2);
        assertThat(during.headline().reason()).isEqualTo(Reason.TOOL_CALL_ERROR);
        assertThat(during.severityNow()).as("in force: the outage raised it").isEqualTo(Severity.P1);
        schedule(forecast, t(1, 15, 0), t(2, 0, 0), at -> weather(at, alertsBreaks, refused, reachable, alertsMended));

        Incident incident = replay().incidents("forecast").getFirst();
        assertThat(incidents("forecast")).hasSize(1).first().asString().startsWith("resolved P2 tool_call_error tools tool_call onset=PT1H ");
        assertThat(incident.headline().message()).startsWith("Health-check tool `alerts` failed in 3 probes in a row while `forecast` succeeds");
        assertThat(events()).extracting(e -> e.split(" ")[0] + " " + e.split(" ")[1]).containsExactly(
                "incident.opened P2", "incident.severity_changed P2→P1", "incident.severity_changed P1→P2", "incident.resolved recovered");
        assertThat(replay().timeline(incident.id())).filteredOn(e -> e.kind().equals("severity"))
                .extracting(e -> e.detail().path("from").asString() + "→" + e.detail().path("to").asString())
                .as("the history keeps each change").containsExactly("P2→P1", "P1→P2");
    }

    /** The weather server of the scenario above: alerts breaks, then the whole server refuses, comes back, alerts is mended. */
    private static Probe weather(Instant at, Instant alertsBreaks, Instant refused, Instant reachable, Instant alertsMended) {
        if (!at.isBefore(refused) && at.isBefore(reachable)) {
            return Probe.at(at).refused();
        }
        boolean alertsOk = at.isBefore(alertsBreaks) || !at.isBefore(alertsMended);
        return Probe.at(at).call("forecast", true).call("alerts", alertsOk);
    }

    // ---- confirmation speed: every condition pages within interval + (threshold − 1) × retry -----

    @Test
    void oneHealthCheckToolOfTwoFailingIsConfirmedWithinAnIntervalAndTwoRetries() {
        MonitorConfig forecast = replay().monitor("""
                monitors:
                  - id: forecast
                    url: https://weather.example.com/mcp
                    expect:
                      calls: [{tool: forecast}, {tool: alerts}]
                """);
        Instant fault = t(1, 0, 30);
        schedule(forecast, T0, t(1, 30, 0), at -> Probe.at(at).call("forecast", true).call("alerts", at.isBefore(fault)));

        // The probe at 1h1m sees the failure; re-probed at 1h1m10.1s and 1h1m20.2s (10 s after each
        // 100 ms probe): confirmed by the third, 50.3 s after the fault — not three intervals later.
        assertThat(events()).containsExactly("incident.opened P2 tool_call_error PT1H1M20.3S");
        long toPage = replay().events().getFirst().at() - fault.toEpochMilli();
        assertThat(toPage).isLessThanOrEqualTo(forecast.interval().plus(forecast.retryInterval().multipliedBy(2)).toMillis() + 1_000);
    }

    @Test
    void aShortToolListIsConfirmedWithinAnIntervalAndTwoRetries() {
        MonitorConfig registry = replay().monitor("monitors: [{id: registry, url: 'https://registry.example.com/mcp'}]");
        ToolList full = Probe.tools(Probe.tool("a"), Probe.tool("b"), Probe.tool("c"), Probe.tool("d"), Probe.tool("e"));
        ToolList partial = Probe.tools(Probe.tool("a"), Probe.tool("b"), Probe.tool("c"));
        Instant fault = t(1, 0, 30);
        schedule(registry, T0, t(1, 30, 0), at -> Probe.at(at).tools(at.isBefore(fault) ? full : partial));

        assertThat(events()).containsExactly("drift.detected P3 PT1H1M0.1S", "incident.opened P2 tools_missing PT1H1M20.3S");
    }

    // ---- nothing wrong ----------------------------------------------------------------------

    @Test
    void noRuleFiresOnAHealthyStableMonitor() {
        MonitorConfig steady = replay().monitor("""
                monitors:
                  - id: steady
                    url: https://weather.example.com/mcp
                    interval: 5m
                    expect:
                      calls: [{tool: get_weather}, {tool: get_alerts}]
                """);
        Random noise = new Random(42);
        Instant notAfter = t(200 * 24, 0, 0);
        for (Instant at : every(Duration.ofMinutes(5), T0, t(9 * 24, 0, 0))) {
            record(steady, Probe.at(at).ms(80 + noise.nextInt(41)).certificate(notAfter).call("get_weather", true).call("get_alerts", true));
        }

        assertThat(replay().events()).isEmpty();
        assertThat(replay().incidents("steady")).isEmpty();
        assertThat(replay().warnings("steady")).isEmpty();
        assertThat(replay().detection("steady").values()).as("no rule holds anything")
                .allSatisfy(s -> assertThat(s.held().isEmpty()).as(s.rule()).isTrue());
        assertThat(replay().baselines("steady")).hasSize(1);
    }

    // ---- helpers ----------------------------------------------------------------------------

    static Instant t(long hours, long minutes, long seconds) {
        return T0.plus(Duration.ofHours(hours).plusMinutes(minutes).plusSeconds(seconds));
    }

    private void record(MonitorConfig m, Probe p) {
        replay().record(m, p);
    }

    /**
     * Probes {@code m} from {@code from} until {@code to} as {@code serve} schedules them: after each
     * recorded probe, the next comes when {@link ProbeAndRecord#nextDelay} says (a probe on the interval
     * keeps its place on the timeline; a retry is counted from the probe's end), and each probe is
     * what {@code server} answers at its start.
     */
    private void schedule(MonitorConfig m, Instant from, Instant to, Function<Instant, Probe> server) {
        Instant planned = from;
        while (planned.isBefore(to)) {
            Probe p = server.apply(planned);
            ResultRecorder.Recorded r = replay().record(m, p);
            Duration delay = ProbeAndRecord.nextDelay(m, p.result(), r);
            Instant finished = Instant.ofEpochMilli(p.finishedAt());
            Instant onTimeline = planned.plus(m.interval());
            planned = !delay.equals(m.interval()) ? finished.plus(delay) : onTimeline.isAfter(finished) ? onTimeline : finished;
        }
    }

    static String offset(Long at) {
        return at == null ? null : Duration.ofMillis(at - T0.toEpochMilli()).toString();
    }

    private List<String> incidents(String monitorId) {
        return replay().incidents(monitorId).stream().map(i -> i.status().wireName() + " " + i.severity() + " "
                + i.headline().reason().wireName() + " " + i.headline().layer().wireName() + " " + i.headline().phase().wireName()
                + " onset=" + offset(i.onsetAt()) + " detected=" + offset(i.detectedAt()) + " resolved=" + offset(i.resolvedAt())
                + " failing=" + i.failingProbes()).toList();
    }

    private List<String> events() {
        return replay().events().stream().map(ReplayScenarios::describe).toList();
    }

    static String describe(MonitorEvent e) {
        return switch (e) {
            case MonitorEvent.IncidentOpened o -> o.type() + " " + o.severity() + " " + o.failure().reason().wireName() + " " + offset(o.at());
            case MonitorEvent.SeverityChanged s -> s.type() + " " + s.from() + "→" + s.to() + " " + offset(s.at());
            case MonitorEvent.IncidentResolved r -> r.type() + " " + r.resolution() + " " + offset(r.at());
            case MonitorEvent.IncidentAcknowledged a -> a.type() + " " + offset(a.at());
            case MonitorEvent.Remediated r -> r.type() + " " + r.outcome() + " " + offset(r.at());
            case MonitorEvent.Warning w -> w.type() + " " + w.severity() + " " + offset(w.at());
            case MonitorEvent.SloBurn b -> b.type() + " " + b.sloId() + " " + b.alert() + " " + offset(b.at());
            case MonitorEvent.LocationChanged l -> l.type() + " " + l.location() + " " + offset(l.at());
        };
    }
}
