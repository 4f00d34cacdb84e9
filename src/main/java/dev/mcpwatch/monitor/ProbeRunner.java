package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.oauth.OAuthClients;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.Prober;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe of a monitor, records it, and says when to probe next: the normal interval, or the
 * short retry interval while something is being confirmed — a failure (suspect), a recovery (down,
 * succeeding), or a check that failed without failing the probe (one health-check tool of several,
 * a short tool list) and its end — so that every condition is confirmed within about
 * {@code interval + (threshold − 1) × retry_interval}, not three full intervals. At most
 * {@code maxConcurrent} probes run at once, whoever schedules them.
 */
public final class ProbeRunner {
    private static final Logger log = LoggerFactory.getLogger(ProbeRunner.class);
    private final Prober prober;
    private final ResultRecorder recorder;
    private final Semaphore slots;
    private final OAuthClients oauth;

    public ProbeRunner(Prober prober, ResultRecorder recorder, int maxConcurrent) {
        this(prober, recorder, maxConcurrent, null);
    }

    /** A runner whose monitors with an auth block get their OAuth tokens from {@code oauth}. */
    public ProbeRunner(Prober prober, ResultRecorder recorder, int maxConcurrent, OAuthClients oauth) {
        this.prober = prober;
        this.recorder = recorder;
        this.slots = new Semaphore(maxConcurrent);
        this.oauth = oauth;
    }

    public Duration runOnce(MonitorConfig m) {
        ProbeResult result;
        slots.acquireUninterruptibly();
        try {
            result = prober.probe(m.toProbeSpec(oauth));
        } catch (RuntimeException e) {
            // The configuration is checked at load, so this is a bug; one monitor must not take the scheduler down.
            log.error("monitor {} could not be probed", m.id(), e);
            return m.interval();
        } finally {
            slots.release();
        }
        ResultRecorder.Recorded recorded = recorder.record(m, result, System.currentTimeMillis());
        return nextDelay(m, result, recorded);
    }

    /** When to probe {@code m} again after this result (public: replays of detection use the same rule). */
    public static Duration nextDelay(MonitorConfig m, ProbeResult result, ResultRecorder.Recorded recorded) {
        if (recorded == null) {
            // the database is away: judge by this probe alone
            boolean anyCheckFailed = !result.healthy() || result.toolCalls().stream().anyMatch(c -> !c.ok());
            return anyCheckFailed ? m.retryInterval() : m.interval();
        }
        MonitorState s = recorded.transition().next();
        boolean confirming = s.status() == Status.SUSPECT || (s.status().confirmed() && s.consecutiveSuccesses() > 0)
                || recorded.confirming();
        return confirming ? m.retryInterval() : m.interval();
    }
}
