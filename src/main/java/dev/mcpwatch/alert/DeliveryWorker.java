package dev.mcpwatch.alert;

import dev.mcpwatch.alert.channel.Alert;
import dev.mcpwatch.alert.channel.Attempt;
import dev.mcpwatch.alert.channel.Channel;
import dev.mcpwatch.alert.channel.Result;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.OutboxStore;
import dev.mcpwatch.store.OutboxStore.OutboxRow;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox. Each round it claims due rows per channel, at most as many as the channel has
 * free delivery slots, and sends each on its own virtual thread with the channel's deadline; it then
 * records the attempt and where the row stands, in one transaction. A slow or dead receiver fills
 * only its own channel's slots: other channels, and probing, go on.
 *
 * <p>Guarantees: a row is delivered at least once, or fails for good (refused by the receiver, or
 * still undelivered after {@code give_up_after}), and each is visible with every finished attempt.
 * A delivery that was in flight when its node died is sent again: at once when the same node
 * restarts (its claims cannot be live), after {@code claim_timeout} when another node takes it
 * over. That repeat carries the same dedup key and delivery id, which receivers collapse.
 */
final class DeliveryWorker {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(1);
    /** Past its timeout (plus this), a delivery's thread is interrupted: a bound on channels whose timeouts are per operation (SMTP). */
    static final Duration HARD_DEADLINE_GRACE = Duration.ofSeconds(5);

    private final Database db;
    private final OutboxStore outbox;
    private final Incidents incidents;
    private final Supplier<AlertingConfig> config;
    private final String node;
    private final String token;
    private final ExecutorService deliveries = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mcpwatch-alert-", 0).factory());
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mcpwatch-alert-watchdog").factory());
    private final Runnable freed;
    private final InstantSource clock;

    DeliveryWorker(Database db, OutboxStore outbox, Incidents incidents, Supplier<AlertingConfig> config, String node, String token,
            Runnable freed, InstantSource clock) {
        this.freed = freed;
        this.db = db;
        this.outbox = outbox;
        this.incidents = incidents;
        this.config = config;
        this.node = node;
        this.token = token;
        this.clock = clock;
    }

    /** Gives back what an earlier run of this node had claimed: it died with them, they are not in flight. */
    void releaseEarlierClaims() throws SQLException {
        int n = db.transaction(c -> outbox.releaseClaims(c, node, token));
        if (n > 0) {
            log.info("took back {} alert deliveries this node had claimed before it stopped; they are sent again", n);
        }
    }

    /** Gives back this run's own claims (at shutdown, once deliveries have stopped), so no one waits for them to go stale. */
    void releaseOwnClaims() throws SQLException {
        db.transaction(c -> outbox.releaseClaims(c, node, "-"));
    }

    /** Claims and starts what is due now; returns how many deliveries it started. */
    int round() throws SQLException {
        AlertingConfig cfg = config.get();
        long now = clock.millis();
        int started = 0;
        for (String name : db.read(c -> outbox.dueChannels(c, now))) {
            Channel channel = cfg.channel(name);
            int free = (channel == null ? 16 : channel.concurrency()) - slots(name).get();
            if (free <= 0) {
                continue;
            }
            long stale = now - cfg.delivery().claimTimeout().toMillis();
            List<OutboxRow> rows = db.transaction(c -> outbox.claim(c, name, free, node, token, now, stale));
            for (OutboxRow row : rows) {
                if (channel == null) {
                    db.transaction(c -> {
                        outbox.abandon(c, row.id(), token, "channel '" + name + "' is no longer in the configuration", now);
                        return null;
                    });
                    continue;
                }
                slots(name).incrementAndGet();
                started++;
                deliveries.execute(() -> {
                    try {
                        deliver(row, channel, cfg);
                    } finally {
                        slots(name).decrementAndGet();
                        freed.run();
                    }
                });
            }
        }
        return started;
    }

    private AtomicInteger slots(String channel) {
        return inFlight.computeIfAbsent(channel, k -> new AtomicInteger());
    }

    private void deliver(OutboxRow row, Channel channel, AlertingConfig cfg) {
        int attempt = row.attempts() + 1;
        long started = clock.millis();
        long t0 = System.nanoTime();
        Result result;
        try {
            Alert alert = Json.MAPPER.readValue(row.payload(), Alert.class);
            String thread = alert.isIncident() ? db.read(c -> outbox.thread(c, row.channel(), row.dedupKey())) : null;
            Duration timeout = channel.timeout() != null ? channel.timeout() : cfg.delivery().timeout();
            Thread self = Thread.currentThread();
            var stop = watchdog.schedule(self::interrupt, timeout.plus(HARD_DEADLINE_GRACE).toMillis(), TimeUnit.MILLISECONDS);
            try {
                result = channel.send(alert, new Attempt(row.id(), attempt, Instant.ofEpochMilli(started), timeout, thread));
            } finally {
                stop.cancel(false);
                if (Thread.interrupted()) {
                    log.warn("delivery {} to {} was cut off after {} ms", row.id(), row.channel(), timeout.plus(HARD_DEADLINE_GRACE).toMillis());
                }
            }
        } catch (SQLException | RuntimeException e) {
            result = Result.retry(null, "could not attempt the delivery: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        long latency = (System.nanoTime() - t0) / 1_000_000;
        try {
            record(row, attempt, started, latency, result, cfg);
        } catch (SQLException | RuntimeException e) {
            // The row stays claimed; once the claim is stale it is delivered again (same dedup key).
            log.warn("could not record delivery {} to {} ({}); it will be retried after the claim timeout", row.id(), row.channel(),
                    e.getMessage());
        }
    }

    private void record(OutboxRow row, int attempt, long started, long latency, Result r, AlertingConfig cfg) throws SQLException {
        long now = clock.millis();
        String status;
        String error = r.error();
        long next = now;
        switch (r.outcome()) {
            case DELIVERED -> status = OutboxStore.DELIVERED;
            case FAILED -> status = OutboxStore.FAILED;
            default -> {
                if (now - row.createdAt() >= cfg.delivery().giveUpAfter().toMillis()) {
                    status = OutboxStore.FAILED;
                    error = "gave up after " + attempt + " attempts over " + cfg.delivery().giveUpAfter() + ": " + error;
                } else {
                    status = OutboxStore.PENDING;
                    next = now + backoff(attempt, cfg.delivery().backoffInitial(), cfg.delivery().backoffMax(), r.retryAfter()).toMillis();
                }
            }
        }
        String finalStatus = status;
        String finalError = error;
        long finalNext = next;
        db.transaction(c -> {
            outbox.attempt(c, row.id(), attempt, started, latency, r.outcome().name().toLowerCase(java.util.Locale.ROOT), r.responseCode(),
                    r.error(), node);
            outbox.finish(c, row.id(), token, finalStatus, attempt, finalNext, r.delivered() ? null : finalError, now);
            if (r.delivered() && r.threadId() != null) {
                outbox.saveThread(c, row.channel(), row.dedupKey(), r.threadId(), now);
            }
            if (r.delivered() && row.incidentId() != null && alerts(row.event())) {
                incidents.notified(c, row.incidentId(), row.channel(), row.event(), row.id(), now);
            }
            return null;
        });
        if (r.delivered()) {
            log.info("{} for {} delivered to {} (attempt {}, {} ms)", row.event(), row.dedupKey(), row.channel(), attempt, latency);
        } else if (status.equals(OutboxStore.FAILED)) {
            log.error("{} for {} could not be delivered to {}: {}", row.event(), row.dedupKey(), row.channel(), finalError);
        } else {
            log.warn("{} for {} not delivered to {} (attempt {}): {}; next attempt in {} ms", row.event(), row.dedupKey(), row.channel(),
                    attempt, r.error(), finalNext - now);
        }
    }

    private static boolean alerts(String event) {
        return event.equals("incident.opened") || event.equals("incident.escalated") || event.equals("incident.severity_changed");
    }

    /**
     * Exponential backoff with jitter: {@code initial × 2^(attempt−1)}, capped at {@code max}, then a
     * random point in its upper half, so that many deliveries failing together do not retry together.
     * A receiver's own Retry-After wins when it asks for longer (up to an hour).
     */
    static Duration backoff(int attempt, Duration initial, Duration max, Duration retryAfter) {
        long base = initial.toMillis();
        for (int i = 1; i < attempt && base < max.toMillis(); i++) {
            base *= 2;
        }
        base = Math.min(base, max.toMillis());
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        if (retryAfter != null && retryAfter.toMillis() > jittered) {
            return retryAfter.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : retryAfter;
        }
        return Duration.ofMillis(jittered);
    }

    /** Waits a little for deliveries in flight, then interrupts them; their claims are released by the caller. */
    void close() {
        watchdog.shutdownNow();
        deliveries.shutdown();
        try {
            if (!deliveries.awaitTermination(3, TimeUnit.SECONDS)) {
                deliveries.shutdownNow();
            }
        } catch (InterruptedException e) {
            deliveries.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
