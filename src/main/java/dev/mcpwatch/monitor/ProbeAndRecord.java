package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.MonitorState;
import dev.mcpwatch.incident.MonitorStatus;
import dev.mcpwatch.oauth.OAuthClients;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.probe.Reason;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a monitor once (with the {@link Prober}), records the result (with the {@link ResultRecorder}),
 * and says when to probe it next: the normal interval, or the short retry interval while something is
 * being confirmed — a failure (suspect), a recovery (down,
 * succeeding), or a check that failed without failing the probe (one health-check tool of several,
 * a short tool list) and its end — so that every condition is confirmed within about
 * {@code interval + (threshold − 1) × retry_interval}, not three full intervals. At most
 * {@code maxConcurrent} probes run at once, whichever schedule runs them.
 */
public final class ProbeAndRecord {
    private static final Logger log = LoggerFactory.getLogger(ProbeAndRecord.class);
    private final Function<ProbeSpec, ProbeResult> probe;
    private final ResultRecorder recorder;
    private final Semaphore slots;
    private final OAuthClients oauth;
    private final InstantSource clock;

    public ProbeAndRecord(Prober prober, ResultRecorder recorder, int maxConcurrent, InstantSource clock) {
        this(prober, recorder, maxConcurrent, null, clock);
    }

    /** Monitors with an auth block get their OAuth tokens from {@code oauth}. */
    public ProbeAndRecord(Prober prober, ResultRecorder recorder, int maxConcurrent, OAuthClients oauth, InstantSource clock) {
        this(prober::probe, recorder, maxConcurrent, oauth, clock);
    }

    /** With any way of probing: tests use one that fails where a real prober no longer can. */
    ProbeAndRecord(Function<ProbeSpec, ProbeResult> probe, ResultRecorder recorder, int maxConcurrent, InstantSource clock) {
        this(probe, recorder, maxConcurrent, null, clock);
    }

    private ProbeAndRecord(Function<ProbeSpec, ProbeResult> probe, ResultRecorder recorder, int maxConcurrent, OAuthClients oauth,
            InstantSource clock) {
        this.probe = probe;
        this.recorder = recorder;
        this.slots = new Semaphore(maxConcurrent);
        this.oauth = oauth;
        this.clock = clock;
    }

    private volatile Predicate<String> watched = id -> false;

    public Duration runOnce(MonitorConfig m) {
        ProbeResult result;
        slots.acquireUninterruptibly();
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        try {
            result = probe.apply(m.toProbeSpec(oauth));
        } catch (Throwable e) {
            // The prober classifies everything a server does, so this is a bug of ours, maybe one a server
            // found. Record it as this probe's failure all the same: a monitor left without results would
            // stay "unknown" with no incident and no alert, which is worse than a failure to look into.
            log.warn("monitor {} could not be probed ({}); recorded as a failed probe", m.id(), e.getClass().getName());
            log.debug("the error that stopped the probe of monitor {}", m.id(), e);
            result = ProbeResult.failed(m.target(), m.transport(), started, (System.nanoTime() - startNanos) / 1e6,
                    new Failure(Reason.JSONRPC_INVALID, Phase.TOTAL, "mcpwatch could not complete the probe ("
                            + e.getClass().getSimpleName() + ")"));
        } finally {
            slots.release();
        }
        ResultRecorder.Recorded recorded = recorder.record(m, result, clock.millis());
        Duration next = nextDelay(m, result, recorded);
        // While an automatic remediation waits for the recovery, the monitor is re-probed every retry_interval.
        return watched.test(m.id()) && m.retryInterval().compareTo(next) < 0 ? m.retryInterval() : next;
    }

    /** Monitors to re-probe every retry_interval whatever their state (a remediation's watch). */
    public void watchWith(Predicate<String> watched) {
        this.watched = watched;
    }

    /** When to probe {@code m} again after this result (public: replays of detection use the same rule). */
    public static Duration nextDelay(MonitorConfig m, ProbeResult result, ResultRecorder.Recorded recorded) {
        if (recorded == null) {
            // the database is away: judge by this probe alone
            boolean anyCheckFailed = !result.healthy() || result.toolCalls().stream().anyMatch(c -> !c.ok());
            return anyCheckFailed ? m.retryInterval() : m.interval();
        }
        // This location re-probes while it confirms a failure or its end, whatever the other locations say.
        MonitorState s = recorded.local().next();
        boolean confirming = s.status() == MonitorStatus.SUSPECT || (s.status().confirmed() && s.consecutiveSuccesses() > 0)
                || recorded.confirming();
        return confirming ? m.retryInterval() : m.interval();
    }
}
