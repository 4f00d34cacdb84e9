package dev.mcpwatch.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.canary.RuleResult.Status;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.probe.Reason;
import dev.mcpwatch.testkit.SdkServer;
import dev.mcpwatch.testkit.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A canary comparison as {@code mcpwatch canary} runs it, against real MCP servers on both sides
 * (the official Java SDK in Jetty on loopback): the stable version, and a canary that is the same
 * or broken in one way. Rounds follow a clock the test moves, so ten minutes of probing every ten
 * seconds take a second or two; the probes themselves are real.
 */
class ComparisonTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private final Prober prober = new Prober();

    /** The verdict of a run and the verdict after each of its rounds. */
    record Run(Verdict verdict, List<Verdict> rounds) {
        RuleResult rule(String name) {
            return verdict.rules().stream().filter(r -> r.rule().equals(name) && r.phase() == null).findFirst().orElseThrow();
        }

        RuleResult latency(Phase phase) {
            return verdict.rules().stream().filter(r -> r.rule().equals("latency_p99") && r.phase() == phase).findFirst().orElseThrow();
        }
    }

    @Test
    void equalServersArePromotedAfterTheWholeRun() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookup(0), Deploys.status())) {
            Run run = compare(stable, canary, Duration.ofMinutes(10), false, r -> { });

            assertThat(run.verdict().verdict()).as(run.verdict().reasons().toString()).isEqualTo(Decision.PROMOTE);
            assertThat(run.verdict().rounds()).isEqualTo(60);
            assertThat(run.verdict().stable().probes()).isEqualTo(60);
            assertThat(run.verdict().canary().probes()).isEqualTo(60);
            assertThat(run.verdict().canary().toolCalls()).isEqualTo(60);
            assertThat(run.verdict().rules()).allSatisfy(r -> assertThat(r.status()).as(r.evidence()).isEqualTo(Status.PASS));
            assertThat(run.latency(Phase.TOOLS_LIST).stable().samples()).isEqualTo(30); // the last 5 minutes of rounds
            assertThat(run.latency(Phase.TOOLS_LIST).canary().samples()).isEqualTo(30);
            assertThat(run.rule("tool_surface").evidence()).contains("the same tools");
            assertThat(run.verdict().reasons()).containsExactly("every rule passed over the last 5m (60 canary probes in all)");
        }
    }

    @Test
    void aCanaryWhoseToolFailsOneCallInThreeIsRolledBackForItsErrorRateOnceFiveMinutesShowIt() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookupFailingEvery(3), Deploys.status())) {
            Run run = compare(stable, canary, Duration.ofMinutes(10), false, r -> { });

            assertThat(run.verdict().verdict()).isEqualTo(Decision.ROLLBACK);
            // The rule speaks once a full window of rounds is in, and at once then: 30 rounds of 10 s.
            assertThat(run.rounds()).hasSize(30);
            assertThat(run.rounds().subList(0, 29)).allSatisfy(v -> assertThat(v.verdict()).isNotEqualTo(Decision.ROLLBACK));
            RuleResult errors = run.rule("error_rate");
            assertThat(errors.status()).isEqualTo(Status.TRIPPED);
            assertThat(errors.canary().count()).isEqualTo(10);
            assertThat(errors.canary().samples()).isEqualTo(30);
            assertThat(errors.stable().count()).isZero();
            assertThat(errors.pValue()).isLessThan(0.01);
            assertThat(errors.test()).startsWith("Fisher's exact test, one-sided");
            assertThat(run.verdict().reasons()).singleElement().asString()
                    .startsWith("error rate: canary failed 10 of 30 probes (33.3 %) in the last 5m, stable 0 of 30 (0.0 %)")
                    .contains("more than 2× the stable's");
            assertThat(run.rule("canary_reachable").status()).isEqualTo(Status.PASS);
        }
    }

    @Test
    void aCanaryFiveTimesSlowerInOneToolIsRolledBackForThatStepsP99() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(20), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookup(100), Deploys.status())) {
            Run run = compare(stable, canary, Duration.ofMinutes(10), false, r -> { });

            assertThat(run.verdict().verdict()).isEqualTo(Decision.ROLLBACK);
            RuleResult call = run.latency(Phase.TOOL_CALL);
            assertThat(call.status()).isEqualTo(Status.TRIPPED);
            assertThat(call.canary().value()).isGreaterThan(3 * call.stable().value());
            assertThat(call.evidence()).startsWith("latency: tool_call p99").contains("× the stable's");
            // Phase by phase: the steps the canary did not slow down are judged and pass.
            assertThat(run.latency(Phase.TOOLS_LIST).status()).isEqualTo(Status.PASS);
            assertThat(run.latency(Phase.INITIALIZE).status()).isEqualTo(Status.PASS);
            assertThat(run.rule("error_rate").status()).isEqualTo(Status.PASS);
        }
    }

    @Test
    void aCanaryTwiceAsSlowStaysWithinTheGuidesThreeTimes() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(40), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookup(80), Deploys.status())) {
            Run run = compare(stable, canary, Duration.ofMinutes(6), false, r -> { });

            assertThat(run.latency(Phase.TOOL_CALL).status()).as(run.latency(Phase.TOOL_CALL).evidence()).isEqualTo(Status.PASS);
            assertThat(run.verdict().verdict()).isEqualTo(Decision.PROMOTE);
        }
    }

    @Test
    void aCanaryMissingOneOfTheStablesToolsIsRolledBackAtOnceUnlessTheBreakIsAllowed() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookup(0))) {
            Run run = compare(stable, canary, Duration.ofMinutes(10), false, r -> { });

            assertThat(run.verdict().verdict()).isEqualTo(Decision.ROLLBACK);
            assertThat(run.rounds()).hasSize(1); // no window to wait for: the list is what it is
            assertThat(run.rule("tool_surface").status()).isEqualTo(Status.TRIPPED);
            assertThat(run.verdict().tools().breaking()).isEqualTo(1);
            assertThat(run.verdict().reasons()).singleElement().asString().contains("tool `status` was removed", "--allow-breaking");

            Run allowed = compare(stable, canary, Duration.ofMinutes(10), true, r -> { });
            assertThat(allowed.verdict().verdict()).isEqualTo(Decision.PROMOTE);
            assertThat(allowed.rule("tool_surface").status()).isEqualTo(Status.ACKNOWLEDGED);
            assertThat(allowed.rule("tool_surface").evidence()).contains("acknowledged for this deploy", "tool `status` was removed");
        }
    }

    @Test
    void aCanaryKilledMidRunIsRolledBackAtItsNextProbe() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status())) {
            SdkServer canary = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
            Run run = compare(stable, canary, Duration.ofMinutes(10), false, v -> {
                if (v.rounds() == 12) {
                    canary.close();
                }
            });

            assertThat(run.verdict().verdict()).isEqualTo(Decision.ROLLBACK);
            assertThat(run.rounds()).hasSize(13);
            RuleResult reachable = run.rule("canary_reachable");
            assertThat(reachable.status()).isEqualTo(Status.TRIPPED);
            assertThat(reachable.evidence()).startsWith("canary unreachable at ").contains("Connection refused", "connection_refused",
                    "the stable answered");
            assertThat(run.verdict().canary().unreachable()).isEqualTo(1);
            assertThat(run.verdict().reasons()).hasSize(1);
        }
    }

    @Test
    void aRunShorterThanTheWindowIsInconclusiveNotPromoted() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookup(0), Deploys.status())) {
            Run run = compare(stable, canary, Duration.ofMinutes(2), false, r -> { });

            assertThat(run.verdict().verdict()).isEqualTo(Decision.INCONCLUSIVE);
            assertThat(run.rule("error_rate").status()).isEqualTo(Status.NOT_ENOUGH_DATA);
            assertThat(run.verdict().reasons()).anySatisfy(r -> assertThat(r)
                    .isEqualTo("the rule looks at the last 5m of probes; the comparison has run 2m"));
            assertThat(run.verdict().reasons()).contains("the canary was probed 12 times; promoting needs at least 30");
        }
    }

    @Test
    void aFullWindowWithTooFewCanaryProbesIsStillInconclusive() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookup(0), Deploys.status())) {
            Thresholds twoMinutes = Thresholds.GUIDE.withWindow(Duration.ofMinutes(2));
            Run run = compare(stable, canary, Duration.ofMinutes(4), false, twoMinutes, r -> { });

            assertThat(run.rule("error_rate").status()).isEqualTo(Status.PASS);
            assertThat(run.verdict().verdict()).isEqualTo(Decision.INCONCLUSIVE);
            assertThat(run.verdict().reasons()).containsExactly("the canary was probed 24 times; promoting needs at least 30");
        }
    }

    @Test
    void aResultThatNoLongerMatchesItsOutputSchemaIsASchemaErrorAtOnce() throws Exception {
        // A server that sends its results unchecked: the probe checks them against the tool's outputSchema.
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(SdkServer.Options.uncheckedSchemas(), Deploys.lookupWrongOutput(), Deploys.status())) {
            Run run = compare(stable, canary, Duration.ofMinutes(10), false, r -> { });

            assertThat(run.verdict().verdict()).isEqualTo(Decision.ROLLBACK);
            RuleResult schema = run.rule("schema_errors");
            assertThat(schema.status()).isEqualTo(Status.TRIPPED);
            // One error in one call is already far beyond 0.1 % by the binomial test (p = 0.001 < 0.01).
            assertThat(run.rounds()).hasSize(1);
            assertThat(schema.canary().count()).isEqualTo(1);
            assertThat(schema.pValue()).isLessThan(0.01);
            assertThat(run.verdict().canary().schemaErrorExamples()).singleElement().asString()
                    .startsWith("structuredContent of `lookup` does not match its outputSchema:").contains("answer");
            assertThat(run.verdict().stable().schemaErrors()).isZero();
            // The probe itself passed: the tool answered, only not in the shape it promised.
            assertThat(run.verdict().canary().errors()).isZero();
        }
    }

    @Test
    void aResultTheServerRefusesForItsOwnOutputSchemaIsASchemaErrorToo() throws Exception {
        // The SDK checks its tool's result itself and answers the call with an error that says why.
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookupWrongOutput(), Deploys.status())) {
            Run run = compare(stable, canary, Duration.ofMinutes(10), false, r -> { });

            assertThat(run.verdict().verdict()).isEqualTo(Decision.ROLLBACK);
            assertThat(run.rule("schema_errors").status()).isEqualTo(Status.TRIPPED);
            assertThat(run.verdict().canary().schemaErrorExamples()).singleElement().asString()
                    .startsWith("the server's own output validation refused the result of `lookup`: Tool (lookup) output validation failed");
            assertThat(run.verdict().canary().errors()).isEqualTo(1);
        }
    }

    @Test
    void argumentsTheStableAcceptsButTheCanaryRefusesAreSchemaErrorsEvenWhenTheBreakIsAllowed() throws Exception {
        try (SdkServer stable = SdkServer.streamable(Deploys.lookup(0), Deploys.status());
                SdkServer canary = SdkServer.streamable(Deploys.lookupNumericQuery(), Deploys.status())) {
            Run run = compare(stable, canary, Duration.ofMinutes(10), true, r -> { });

            assertThat(run.verdict().verdict()).isEqualTo(Decision.ROLLBACK);
            assertThat(run.rule("tool_surface").status()).isEqualTo(Status.ACKNOWLEDGED);
            assertThat(run.rule("tool_surface").evidence()).contains("`query`", "string", "integer");
            RuleResult schema = run.rule("schema_errors");
            assertThat(schema.status()).isEqualTo(Status.TRIPPED);
            assertThat(run.verdict().canary().schemaErrorExamples()).singleElement().asString()
                    .startsWith("canary rejected arguments of `lookup` that match the stable's inputSchema (its own inputSchema:");
        }
    }

    // ---- running a comparison ----------------------------------------------------------------

    private Run compare(SdkServer stable, SdkServer canary, Duration duration, boolean allowBreaking, Consumer<Verdict> afterRound)
            throws InterruptedException {
        return compare(stable, canary, duration, allowBreaking, Thresholds.GUIDE, afterRound);
    }

    private Run compare(SdkServer stable, SdkServer canary, Duration duration, boolean allowBreaking, Thresholds thresholds,
            Consumer<Verdict> afterRound) throws InterruptedException {
        TestClock clock = TestClock.at("2026-11-21T10:00:00Z");
        Comparison comparison = new Comparison(prober::probe, clock, clock::set);
        List<Verdict> rounds = new ArrayList<>();
        Verdict v = comparison.run(new Comparison.Plan(new Comparison.TwoUrls(spec(stable.url()), spec(canary.url())), duration, INTERVAL,
                thresholds, allowBreaking, null), (n, probes, verdict) -> {
                    assertThat(probes).extracting(p -> p.result().reason()).allSatisfy(reason ->
                            assertThat(reason).isIn(null, Reason.TOOL_CALL_ERROR, Reason.CONNECTION_REFUSED));
                    rounds.add(verdict);
                    afterRound.accept(verdict);
                });
        return new Run(v, rounds);
    }

    private static ProbeSpec spec(String url) {
        return ProbeSpec.http(url).toolCall(new ProbeSpec.ToolCall("lookup", Json.MAPPER.readTree("{\"query\":\"mcp\"}"), null)).build();
    }
}
