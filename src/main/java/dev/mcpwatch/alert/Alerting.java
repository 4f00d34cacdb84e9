package dev.mcpwatch.alert;

import dev.mcpwatch.alert.channel.Alert;
import dev.mcpwatch.alert.channel.Attempt;
import dev.mcpwatch.alert.channel.Channel;
import dev.mcpwatch.alert.channel.Result;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.monitor.MonitorRegistry;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.OutboxStore;
import dev.mcpwatch.web.Routes;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerting, wired: the outbox writer listening to monitor events, and one loop (a platform thread
 * per node, every {@code alerting.delivery.poll}, and at once when an alert is written) that
 * delivers the outbox, takes due escalation steps, releases alerts whose maintenance window ended
 * and sends digests whose period ended. Every step of the loop is safe with several nodes on one
 * database. Deliveries run on virtual threads, never on the loop and never on a probe's thread.
 */
public final class Alerting implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Alerting.class);
    private static final Duration WAKE_DELAY = Duration.ofMillis(50);

    /** The outcome of a test message. */
    public record TestOutcome(String type, Result result, long latencyMs) {}

    private final Database db;
    private final OutboxStore outbox;
    private final Payloads payloads;
    private final DeliveryWorker worker;
    private final Escalator escalator;
    private final Holds holds;
    private final DigestSender digests;
    private final Incidents incidents;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mcpwatch-alerting").factory());
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final InstantSource clock;
    private volatile boolean started;
    private volatile AlertingConfig config;
    private volatile boolean claimsReleased;
    private volatile String lastFailure;
    private long lastPrune;

    private Alerting(AlertingConfig config, Database db, MonitorEvents events, MonitorRegistry registry, Incidents incidents,
            String node, Supplier<String> publicBase, Function<String, String> statusPageOf, InstantSource clock) {
        this.config = config;
        this.db = db;
        this.clock = clock;
        this.outbox = new OutboxStore(db.dialect());
        this.payloads = new Payloads(publicBase, () -> this.config.ack(), statusPageOf);
        OutboxWriter writer = new OutboxWriter(this::config, registry, payloads, outbox, this::wake, clock);
        this.worker = new DeliveryWorker(db, outbox, incidents, this::config, node, node + "/" + UUID.randomUUID(), this::wake, clock);
        this.escalator = new Escalator(db, this::config, registry, payloads, writer, clock);
        this.holds = new Holds(db, this::config, registry, outbox, clock);
        this.digests = new DigestSender(db, this::config, payloads, writer, clock);
        this.incidents = incidents;
        events.listen(writer);
    }

    /**
     * Starts alerting for {@code node} (a name stable across restarts, so that a restarted node takes
     * back at once the deliveries it had in flight when it died). {@code publicBase} is the URL that
     * links in alerts start with. Acknowledgements and notifications go through {@code incidents};
     * every step that waits for a time (a backoff, an escalation delay, a window's end, a digest's
     * period) reads it from {@code clock}.
     */
    public static Alerting start(AlertingConfig config, Database db, MonitorEvents events, MonitorRegistry registry, Incidents incidents,
            String node, Supplier<String> publicBase, InstantSource clock) {
        return start(config, db, events, registry, incidents, node, publicBase, id -> null, clock);
    }

    /** As above; {@code statusPageOf} names a status page showing a monitor (its slug), or null, for alerts' status page links. */
    public static Alerting start(AlertingConfig config, Database db, MonitorEvents events, MonitorRegistry registry, Incidents incidents,
            String node, Supplier<String> publicBase, Function<String, String> statusPageOf, InstantSource clock) {
        Alerting a = new Alerting(config, db, events, registry, incidents, node, publicBase, statusPageOf, clock);
        a.describe();
        a.started = true;
        a.loop.scheduleWithFixedDelay(a::round, 0, config.delivery().poll().toMillis(), TimeUnit.MILLISECONDS);
        return a;
    }

    /** Alerting without its loop: a {@link #round} runs only when called (tests that move a clock by hand). */
    static Alerting unstarted(AlertingConfig config, Database db, MonitorEvents events, MonitorRegistry registry, Incidents incidents,
            String node, Supplier<String> publicBase, InstantSource clock) {
        Alerting a = new Alerting(config, db, events, registry, incidents, node, publicBase, id -> null, clock);
        a.describe();
        return a;
    }

    public AlertingConfig config() {
        return config;
    }

    /** Applies a reloaded configuration: channels, routes, policies and windows at once (the poll interval after a restart). */
    public void reload(AlertingConfig next) {
        this.config = next;
        describe();
        wake();
    }

    public Routes routes() {
        return new AlertRoutes(this, db, outbox, incidents, clock);
    }

    /** Sends a test message to a channel now, bypassing the outbox, and says how it went. */
    public TestOutcome test(String channelName) {
        Channel channel = config.channel(channelName);
        if (channel == null) {
            throw new NoSuchElementException("no channel '" + channelName + "'; channels: " + String.join(", ", config.channels().keySet()));
        }
        return test(channel, payloads, config.delivery().timeout(), clock.millis());
    }

    /** Sends a test message to a channel of a configuration, without a server (for {@code mcpwatch alert test}). */
    public static TestOutcome test(AlertingConfig config, String channelName, String publicBase, InstantSource clock) {
        Channel channel = config.channel(channelName);
        if (channel == null) {
            throw new NoSuchElementException("no channel '" + channelName + "'" + (config.channels().isEmpty() ? " (none configured)"
                    : "; channels: " + String.join(", ", config.channels().keySet())));
        }
        return test(channel, new Payloads(() -> publicBase, config::ack), config.delivery().timeout(), clock.millis());
    }

    private static TestOutcome test(Channel channel, Payloads payloads, Duration defaultTimeout, long now) {
        if (!channel.enabled()) {
            throw new IllegalArgumentException("channel '" + channel.name() + "' is disabled: " + channel.disabledBecause());
        }
        Alert alert = payloads.test(channel.name(), now);
        long t0 = System.nanoTime();
        Result r = channel.send(alert, new Attempt(now, 1, Instant.ofEpochMilli(now), channel.timeout() != null ? channel.timeout() : defaultTimeout,
                null));
        return new TestOutcome(channel.type(), r, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Asks the loop to look for work soon (an alert was just written, or a delivery slot freed). */
    void wake() {
        if (started && wakePending.compareAndSet(false, true)) {
            try {
                loop.schedule(() -> {
                    wakePending.set(false);
                    round();
                }, WAKE_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** Releases, escalates, sends digests, delivers and prunes what is due now. */
    void round() {
        if (config.isEmpty()) {
            return; // no channels: nothing is written, nothing to deliver (rows left from before wait for channels to return)
        }
        if (!claimsReleased) {
            claimsReleased = attempt("taking back earlier claims", () -> {
                worker.releaseEarlierClaims();
                return 0;
            });
            if (!claimsReleased) {
                return;
            }
        }
        boolean ok = attempt("releasing held alerts", holds::round)
                & attempt("escalating", escalator::round)
                & attempt("sending digests", digests::round)
                & attempt("delivering", worker::round)
                & attempt("pruning delivery history", this::prune);
        if (ok && lastFailure != null) {
            log.info("alerting works again");
            lastFailure = null;
        }
    }

    /** Once an hour: finished deliveries older than {@code delivery.keep_history}, in small batches. */
    private int prune() throws SQLException {
        long now = clock.millis();
        if (now - lastPrune < Duration.ofHours(1).toMillis()) {
            return 0;
        }
        lastPrune = now;
        long cutoff = now - config.delivery().keepHistory().toMillis();
        int total = 0;
        int n;
        do {
            n = db.transaction(c -> outbox.prune(c, cutoff, 1_000));
            total += n;
        } while (n >= 1_000);
        if (total > 0) {
            log.info("pruned {} rows of delivery history older than {}", total, config.delivery().keepHistory());
        }
        return total;
    }

    @FunctionalInterface
    private interface Step {
        int run() throws SQLException;
    }

    /** Runs one step of the round; a failure (the database is away) is logged once and retried next round. */
    private boolean attempt(String what, Step step) {
        try {
            step.run();
            return true;
        } catch (SQLException | RuntimeException e) {
            String why = what + ": " + e.getMessage();
            if (!why.equals(lastFailure)) {
                if (e instanceof SQLException) {
                    log.warn("alerting: {} failed ({}); alerts wait in the outbox and are retried", what, e.getMessage());
                } else {
                    log.error("alerting: {} failed", what, e);
                }
            }
            lastFailure = why;
            return false;
        }
    }

    /** One line for the channels that cannot send (a first run with the example has eight), each with why. */
    private void describe() {
        List<String> disabled = config.channels().values().stream().filter(c -> !c.enabled())
                .map(c -> c.name() + " (" + c.type() + ": " + c.disabledBecause() + ")").toList();
        if (!disabled.isEmpty()) {
            log.warn("{} of {} alert channels are disabled and send nothing: {}", disabled.size(), config.channels().size(),
                    String.join("; ", disabled));
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.close();
        try {
            worker.releaseOwnClaims();
        } catch (SQLException | RuntimeException e) {
            log.debug("claims not released at shutdown ({}); the next start or another node takes them over", e.getMessage());
        }
    }
}
