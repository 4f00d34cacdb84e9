package dev.mcpwatch.cli;

import dev.mcpwatch.canary.Analysis;
import dev.mcpwatch.canary.Comparison;
import dev.mcpwatch.canary.Decision;
import dev.mcpwatch.canary.HeaderSplit;
import dev.mcpwatch.canary.PrometheusSource;
import dev.mcpwatch.canary.Thresholds;
import dev.mcpwatch.canary.TrafficReading;
import dev.mcpwatch.canary.Verdict;
import dev.mcpwatch.config.Durations;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Prober;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mcpwatch canary --stable URL --canary URL}: the canary guide's rollback rules as a CI/CD
 * gate. Probes both sides in interleaved rounds for the duration (or until a rule trips) and exits
 * 0 promote, 2 rollback, 3 inconclusive, 1 usage error.
 */
@Command(name = "canary",
        description = {
            "Compare a canary deploy with the stable one and decide: promote, roll back, or inconclusive.",
            "",
            "Both are probed every interval with the full probe (as `mcpwatch probe`, with the same options),",
            "one after the other in alternating order. The canary guide's rules are checked after every round:",
            "canary unreachable; error rate > 2x the stable's for 5 minutes; a step's p99 > 3x the stable's for",
            "5 minutes; schema errors > 0.1% of the canary's tool calls; a breaking change of the tool list.",
            "Each test must be significant (p < 0.01); too few probes give inconclusive, never promote.",
            "With --prometheus the same rules also run on the servers' own metrics of real traffic.",
            "",
            "Exit codes: 0 promote, 2 rollback, 3 inconclusive, 1 usage error."
        },
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class CanaryCommand implements Callable<Integer> {
    static final int PROMOTE = 0;
    static final int ROLLBACK = 2;
    static final int INCONCLUSIVE = 3;

    @Spec
    CommandSpec command;

    @Option(names = "--stable", paramLabel = "URL", description = "The stable version's MCP endpoint.")
    String stable;

    @Option(names = "--canary", paramLabel = "URL", description = "The canary's MCP endpoint.")
    String canary;

    @Option(names = "--url", paramLabel = "URL",
            description = "Instead of --stable/--canary: one endpoint in front of both (a proxy splitting traffic); needs --split-header.")
    String url;

    @Option(names = "--split-header", paramLabel = "NAME",
            description = "With --url: the response header naming the version that answered (e.g. X-Server-Version).")
    String splitHeader;

    @Option(names = "--stable-version", paramLabel = "VALUE",
            description = "The stable's value of --split-header, and its `version` label in Prometheus (default: stable).")
    String stableVersion = "stable";

    @Option(names = "--canary-version", paramLabel = "VALUE",
            description = "The canary's value of --split-header, and its `version` label in Prometheus (default: canary).")
    String canaryVersion = "canary";

    @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "How long to compare, unless a rule trips first (default 10m).")
    Duration duration = Duration.ofMinutes(10);

    @Option(names = "--interval", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "Time between rounds (default 10s, at least 100ms).")
    Duration interval = Duration.ofSeconds(10);

    @Option(names = "--window", paramLabel = "DURATION", converter = Durations.Converter.class,
            description = "How long an error rate or p99 must be over its threshold: the guide's 5 minutes (default 5m).")
    Duration window = Thresholds.GUIDE.window();

    @Option(names = "--min-probes", paramLabel = "N",
            description = "Canary probes needed before promote can be the answer (default 30).")
    int minProbes = Thresholds.GUIDE.minCanaryProbes();

    @Option(names = "--allow-breaking",
            description = "Breaking changes of the tool list are intended for this deploy: list them, do not roll back for them.")
    boolean allowBreaking;

    @Option(names = "--prometheus", paramLabel = "URL",
            description = "Also judge real traffic: the servers' metrics in this Prometheus (mcp_tool_call_errors_total, "
                    + "mcp_tool_call_duration_seconds by version).")
    URI prometheus;

    @Option(names = "--prometheus-query", paramLabel = "NAME=PROMQL",
            description = "Replace a PromQL template: errors, calls or buckets; {{version}} and {{window}} are filled in (repeatable).")
    List<String> prometheusQueries = new ArrayList<>();

    @Mixin
    ProbeOptions options;

    @Option(names = "--json", description = "Print the full verdict as JSON.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        Comparison.Plan plan;
        try {
            plan = plan(err);
        } catch (IllegalArgumentException e) {
            err.println("mcpwatch canary: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        Comparison comparison = new Comparison(new Prober()::probe, InstantSource.system(), Comparison.Pacer.sleeping(InstantSource.system()));
        Verdict verdict = comparison.run(plan, (n, probes, v) -> {
            err.println(progress(n, probes, plan));
            err.flush();
        });
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(verdict));
        } else {
            out.print(CanaryReport.render(verdict, plan));
        }
        out.flush();
        return exitCode(verdict.verdict());
    }

    static int exitCode(Decision d) {
        return switch (d) {
            case PROMOTE -> PROMOTE;
            case ROLLBACK -> ROLLBACK;
            case HOLD, INCONCLUSIVE -> INCONCLUSIVE;
        };
    }

    private Comparison.Plan plan(PrintWriter err) {
        Comparison.Targets targets;
        if (url != null) {
            if (stable != null || canary != null) {
                throw new IllegalArgumentException("give either --url with --split-header, or --stable and --canary, not both");
            }
            if (splitHeader == null) {
                throw new IllegalArgumentException("--url needs --split-header NAME: the response header that names the version "
                        + "(e.g. X-Server-Version)");
            }
            targets = new Comparison.OneUrl(options.http(url), new HeaderSplit(splitHeader, stableVersion, canaryVersion));
        } else {
            if (stable == null || canary == null) {
                throw new IllegalArgumentException("missing " + (stable == null ? "--stable URL" : "--canary URL")
                        + " (or --url URL --split-header NAME for both behind one endpoint)");
            }
            if (splitHeader != null) {
                throw new IllegalArgumentException("--split-header goes with --url (one endpoint in front of both)");
            }
            targets = new Comparison.TwoUrls(options.http(stable), options.http(canary));
        }
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("--interval must be at least 100ms, got " + Analysis.words(interval));
        }
        if (duration.compareTo(interval) < 0) {
            throw new IllegalArgumentException("--duration (" + Analysis.words(duration) + ") must be at least one --interval ("
                    + Analysis.words(interval) + ")");
        }
        if (minProbes < 1) {
            throw new IllegalArgumentException("--min-probes must be at least 1");
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("--window must be positive");
        }
        Thresholds thresholds = Thresholds.GUIDE.withWindow(window).withMinCanaryProbes(minProbes);
        if (duration.plus(interval).compareTo(window) < 0) {
            err.println("mcpwatch canary: note: --duration " + Analysis.words(duration) + " is shorter than the rules' window of "
                    + Analysis.words(window) + "; the error-rate and latency rules cannot be judged, so the answer can only be "
                    + "rollback (a crash, schema errors, a breaking change) or inconclusive");
        }
        return new Comparison.Plan(targets, duration, interval, thresholds, allowBreaking, traffic());
    }

    private Comparison.TrafficSource traffic() {
        if (prometheus == null) {
            if (!prometheusQueries.isEmpty()) {
                throw new IllegalArgumentException("--prometheus-query needs --prometheus URL");
            }
            return null;
        }
        PrometheusSource.Queries queries = PrometheusSource.Queries.GUIDE;
        for (String q : prometheusQueries) {
            int eq = q.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--prometheus-query must look like NAME=PROMQL (NAME: errors, calls or buckets), got '"
                        + q + "'");
            }
            queries = queries.with(q.substring(0, eq).strip(), q.substring(eq + 1).strip());
        }
        PrometheusSource source = new PrometheusSource(prometheus, queries, stableVersion, canaryVersion, Duration.ofSeconds(10));
        TrafficReading first = source.check(window); // a query Prometheus refuses is a usage error, now rather than in ten minutes
        if (first.problem() != null) {
            command.commandLine().getErr().println("mcpwatch canary: warning: " + first.problem()
                    + " (the real-traffic rules stay unavailable until it answers; the verdict cannot be promote meanwhile)");
        }
        return source;
    }

    private static String progress(long n, List<Comparison.Probed> probes, Comparison.Plan plan) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "round %d", n));
        for (Comparison.Probed p : probes) {
            ProbeResult r = p.result();
            String who = p.side() == null ? "probe" : p.side().wireName();
            s.append("  ").append(who).append(' ');
            if (r.healthy()) {
                s.append("ok ").append(String.format(Locale.ROOT, "%.1f ms", r.totalMs()));
            } else {
                s.append("FAILED ").append(r.failure().reason().name().toLowerCase(Locale.ROOT));
            }
        }
        if (plan.targets() instanceof Comparison.OneUrl one && probes.size() == 1) {
            List<String> served = probes.getFirst().result().timings().stream().filter(t -> t.servedBy() != null)
                    .map(t -> Waterfall.safe(t.servedBy())).distinct().toList();
            s.append("  (").append(one.split().header()).append(": ").append(served.isEmpty() ? "none" : String.join(", ", served))
                    .append(')');
        }
        return s.toString();
    }
}
