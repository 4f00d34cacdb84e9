package dev.mcpwatch.canary;

import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A canary comparison run to its end, as {@code mcpwatch canary} runs it: every interval one round
 * of the monitor's full probe (discover or initialize, tools/list, the health calls) on the stable
 * and on the canary, one after the other and in alternating order, so that both meet the same
 * conditions and neither is always second; after every round the rules are judged, and the run
 * stops at the first rollback (a crashed canary at once) or after its duration.
 *
 * <p>Time comes from the injected clock and waiting from the injected {@link Pacer}, so a test runs
 * ten minutes of rounds in seconds with a clock it moves itself.
 */
public final class Comparison {

    /** Waits until a moment of the comparison's clock. */
    @FunctionalInterface
    public interface Pacer {
        void waitUntil(Instant t) throws InterruptedException;

        /** Sleeps on the system's time until {@code t} of the clock. */
        static Pacer sleeping(InstantSource clock) {
            return t -> {
                long ms = Duration.between(clock.instant(), t).toMillis();
                if (ms > 0) {
                    Thread.sleep(ms);
                }
            };
        }
    }

    /** Reads real-traffic figures for both versions (Prometheus), once per round. */
    @FunctionalInterface
    public interface TrafficSource {
        TrafficReading read(Duration window);
    }

    /** Hears each round as it ends: its number, the results of its probes, and the verdict so far. */
    @FunctionalInterface
    public interface Listener {
        void round(long n, List<Probed> probes, Verdict verdict);
    }

    /** One probe of a round: the side probed (null behind one URL, where a probe may reach both) and its result. */
    public record Probed(Side side, ProbeResult result) {}

    /** What to compare: two URLs, or one URL split by a response header. */
    public sealed interface Targets {
        String stableTarget();

        String canaryTarget();
    }

    /** Stable and canary each at their own URL: the guide's two monitor targets. */
    public record TwoUrls(ProbeSpec stable, ProbeSpec canary) implements Targets {
        public TwoUrls {
            stable = stable.toBuilder().checkOutputSchemas(true).build();
            canary = canary.toBuilder().checkOutputSchemas(true).build();
        }

        @Override
        public String stableTarget() {
            return stable.target();
        }

        @Override
        public String canaryTarget() {
            return canary.target();
        }
    }

    /** Both behind one URL (a proxy splitting traffic), told apart by a response header. */
    public record OneUrl(ProbeSpec spec, HeaderSplit split) implements Targets {
        public OneUrl {
            spec = spec.toBuilder().checkOutputSchemas(true).servedByHeader(split.header()).build();
        }

        @Override
        public String stableTarget() {
            return spec.target();
        }

        @Override
        public String canaryTarget() {
            return spec.target();
        }
    }

    /** A comparison to run: what, how long, how often, by which rules, and where real traffic is read (or null). */
    public record Plan(Targets targets, Duration duration, Duration interval, Thresholds thresholds, boolean allowBreaking,
            TrafficSource traffic) {
        public Plan {
            Objects.requireNonNull(targets, "targets");
            if (interval.isNegative() || interval.isZero() || duration.compareTo(interval) < 0) {
                throw new IllegalArgumentException("the duration must be at least one interval");
            }
        }
    }

    private final Function<ProbeSpec, ProbeResult> prober;
    private final InstantSource clock;
    private final Pacer pacer;

    public Comparison(Function<ProbeSpec, ProbeResult> prober, InstantSource clock, Pacer pacer) {
        this.prober = prober;
        this.clock = clock;
        this.pacer = pacer;
    }

    /** Runs the plan and returns the verdict: a rollback as soon as a rule trips, else the verdict at the last round. */
    public Verdict run(Plan plan, Listener listener) throws InterruptedException {
        History history = new History(plan.thresholds().window());
        Instant start = clock.instant();
        Instant end = start.plus(plan.duration());
        Verdict verdict = null;
        for (long k = 0; ; ) {
            List<Probed> probes = round(plan.targets(), history);
            history.round();
            verdict = Analysis.evaluate(inputs(plan, history, clock.instant()));
            listener.round(history.rounds(), probes, verdict);
            if (verdict.verdict() == Decision.ROLLBACK) {
                return verdict;
            }
            // The next slot on the schedule; slots a slow round overran are skipped, not made up in a burst.
            long elapsed = Duration.between(start, clock.instant()).toNanos();
            k = Math.max(k + 1, elapsed / plan.interval().toNanos() + (elapsed % plan.interval().toNanos() == 0 ? 0 : 1));
            Instant due = start.plus(plan.interval().multipliedBy(k));
            if (!due.isBefore(end)) {
                return verdict;
            }
            pacer.waitUntil(due);
        }
    }

    /** One round: both sides probed in the order of the round (or one probe through a split URL), added to {@code history}. */
    List<Probed> round(Targets targets, History history) {
        List<Probed> probes = new ArrayList<>(2);
        switch (targets) {
            case TwoUrls two -> {
                List<Side> order = history.rounds() % 2 == 0 ? List.of(Side.STABLE, Side.CANARY) : List.of(Side.CANARY, Side.STABLE);
                for (Side side : order) {
                    ProbeSpec spec = side == Side.STABLE ? two.stable() : two.canary();
                    Instant at = clock.instant();
                    ProbeResult r = prober.apply(spec);
                    history.add(Parts.whole(side, at, r, spec.toolCalls(), history.tools(Side.STABLE)));
                    probes.add(new Probed(side, r));
                }
            }
            case OneUrl one -> {
                Instant at = clock.instant();
                ProbeResult r = prober.apply(one.spec());
                record(history, at, r, one);
                probes.add(new Probed(null, r));
            }
        }
        return probes;
    }

    /** Adds one probe through a split URL: each version's part, and a failure nobody answered for. */
    static void record(History history, Instant at, ProbeResult r, OneUrl one) {
        Parts.Split split = Parts.split(at, r, one.split(), one.spec().toolCalls(), history.tools(Side.STABLE));
        split.samples().forEach(history::add);
        if (split.unattributed() != null) {
            history.unattributed(at, split.unattributed());
        }
        history.otherVersions(split.otherVersions());
    }

    private static Analysis.Inputs inputs(Plan plan, History history, Instant now) {
        TrafficReading traffic = plan.traffic() == null ? null : plan.traffic().read(plan.thresholds().window());
        HeaderSplit split = plan.targets() instanceof OneUrl one ? one.split() : null;
        return new Analysis.Inputs(history, plan.thresholds(), now, plan.interval(), plan.allowBreaking(), plan.targets().stableTarget(),
                plan.targets().canaryTarget(), split, traffic);
    }
}
