package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.probe.Failure;
import dev.mcpwatch.probe.Phase;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.probe.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe of a monitor, records it, and says when to probe next: the normal interval, or the
 * short retry interval while a failure is unconfirmed (suspect) or a recovery is (down, succeeding),
 * so that detection does not wait for three full intervals. At most {@code maxConcurrent} probes run
 * at once, whoever schedules them.
 */
public final class ProbeRunner {
    private static final Logger log = LoggerFactory.getLogger(ProbeRunner.class);
    private final Function<ProbeSpec, ProbeResult> probe;
    private final ResultRecorder recorder;
    private final Semaphore slots;

    public ProbeRunner(Prober prober, ResultRecorder recorder, int maxConcurrent) {
        this(prober::probe, recorder, maxConcurrent);
    }

    /** With any way of probing: tests use one that fails where a real prober no longer can. */
    ProbeRunner(Function<ProbeSpec, ProbeResult> probe, ResultRecorder recorder, int maxConcurrent) {
        this.probe = probe;
        this.recorder = recorder;
        this.slots = new Semaphore(maxConcurrent);
    }

    public Duration runOnce(MonitorConfig m) {
        ProbeResult result;
        slots.acquireUninterruptibly();
        Instant started = Instant.now();
        long startNanos = System.nanoTime();
        try {
            result = probe.apply(m.toProbeSpec());
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
        ResultRecorder.Recorded recorded = recorder.record(m, result, System.currentTimeMillis());
        return nextDelay(m, result, recorded);
    }

    static Duration nextDelay(MonitorConfig m, ProbeResult result, ResultRecorder.Recorded recorded) {
        if (recorded == null) {
            return result.healthy() ? m.interval() : m.retryInterval(); // the database is away: judge by this probe alone
        }
        MonitorState s = recorded.transition().next();
        boolean confirming = s.status() == Status.SUSPECT || (s.status() == Status.DOWN && s.consecutiveSuccesses() > 0);
        return confirming ? m.retryInterval() : m.interval();
    }
}
