package dev.mcpwatch.reliability;

import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.RecordStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the record's own history as it happens, once a minute on every node: each maintenance
 * occurrence that is running (so editing the configuration later does not rewrite the past), each
 * pause and resume of a monitor, and then the SLOs' burn-rate alerts. Every step is safe with
 * several nodes on one database: the rows are keyed so that the second node's write changes nothing.
 */
public final class RecordKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordKeeper.class);
    static final Duration EVERY = Duration.ofMinutes(1);

    private final Database db;
    private final Supplier<List<MaintenanceWindow>> maintenance;
    private final SloAlerts alerts;
    private final InstantSource clock;
    private final RecordStore store = new RecordStore();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mcpwatch-record").factory());
    private volatile String lastFailure;

    /** @param alerts the SLOs' burn-rate alerts, or null when there are none to evaluate */
    RecordKeeper(Database db, Supplier<List<MaintenanceWindow>> maintenance, SloAlerts alerts, InstantSource clock) {
        this.db = db;
        this.maintenance = maintenance;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** Starts the minute's round, a few seconds after each minute begins (after that minute's first probes are written). */
    public static RecordKeeper start(Database db, Supplier<List<MaintenanceWindow>> maintenance, SloAlerts alerts, InstantSource clock) {
        RecordKeeper k = new RecordKeeper(db, maintenance, alerts, clock);
        long delay = EVERY.toMillis() - Math.floorMod(clock.millis(), EVERY.toMillis()) + 5_000;
        k.timer.scheduleAtFixedRate(k::round, delay, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return k;
    }

    /** One round: occurrences, pauses, burn-rate alerts. Failures are logged once and retried next minute. */
    public void round() {
        long now = clock.millis();
        try {
            for (MaintenanceWindow w : maintenance.get()) {
                Unwatched.Occurrence o = Unwatched.Occurrence.inProgress(w, Instant.ofEpochMilli(now));
                if (o != null) {
                    db.transaction(c -> {
                        store.recordOccurrence(c, new RecordStore.OccurrenceRow(o.window(), o.start(), o.end(), o.monitors(), o.tags()), now);
                        return null;
                    });
                }
            }
            db.transaction(c -> store.recordPauses(c, now));
            if (alerts != null) {
                alerts.round(now);
            }
            if (lastFailure != null) {
                log.info("the reliability record is kept again");
                lastFailure = null;
            }
        } catch (SQLException | RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.equals(lastFailure)) {
                log.warn("could not keep the reliability record this minute (maintenance, pauses, SLO alerts): {}", message);
            }
            lastFailure = message;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
