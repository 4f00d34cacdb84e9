package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.MonitorState;
import dev.mcpwatch.incident.MonitorStatus;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Prober;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a monitor once (with the {@link Prober}), records the result (with the {@link ResultRecorder}),
 * and says when to probe it next: the normal interval, or the short retry interval while a failure
 * is unconfirmed (suspect) or a recovery is (down, succeeding), so that detection does not wait for
 * three full intervals. At most {@code maxConcurrent} probes run at once, whichever schedule runs them.
 */
public final class ProbeAndRecord {
    private static final Logger log = LoggerFactory.getLogger(ProbeAndRecord.class);
    private final Prober prober;
    private final ResultRecorder recorder;
    private final Semaphore slots;
    private final InstantSource clock;

    public ProbeAndRecord(Prober prober, ResultRecorder recorder, int maxConcurrent, InstantSource clock) {
        this.prober = prober;
        this.recorder = recorder;
        this.slots = new Semaphore(maxConcurrent);
        this.clock = clock;
    }

    public Duration runOnce(MonitorConfig m) {
        ProbeResult result;
        slots.acquireUninterruptibly();
        try {
            result = prober.probe(m.toProbeSpec());
        } catch (RuntimeException e) {
            // The configuration is checked at load, so this is a bug; one monitor must not take the scheduler down.
            log.error("monitor {} could not be probed", m.id(), e);
            return m.interval();
        } finally {
            slots.release();
        }
        ResultRecorder.Recorded recorded = recorder.record(m, result, clock.millis());
        return nextDelay(m, result, recorded);
    }

    static Duration nextDelay(MonitorConfig m, ProbeResult result, ResultRecorder.Recorded recorded) {
        if (recorded == null) {
            return result.healthy() ? m.interval() : m.retryInterval(); // the database is away: judge by this probe alone
        }
        MonitorState s = recorded.transition().next();
        boolean confirming = s.status() == MonitorStatus.SUSPECT || (s.status() == MonitorStatus.DOWN && s.consecutiveSuccesses() > 0);
        return confirming ? m.retryInterval() : m.interval();
    }
}
