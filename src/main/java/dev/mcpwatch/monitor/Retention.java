package dev.mcpwatch.monitor;

import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Partitions;
import dev.mcpwatch.store.Resolution;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.store.RollupStore;
import dev.mcpwatch.store.ToolCallStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces retention: raw results older than {@code raw_retention} (to the minute; when minute
 * rollups are kept longer, their minutes are stored first), minute rollups older than
 * {@code minute_rollup_retention} with the per-minute tool calls that SLOs on a tool read, hour and
 * day rollups older than {@code rollup_retention}. Deletes in small batches, each its own short
 * transaction with a pause between, so probes keep writing while it works. On PostgreSQL these
 * tables are partitioned by time ({@link Partitions}: raw results by day, hour and day rollups by
 * month, minute rows by week): it first creates the spans ahead, then drops, for each table, the
 * spans that lie wholly before that table's cutoff, and deletes rows only in the span the cutoff
 * falls in (and in the default partition, where rows of spans without a partition wait).
 */
public final class Retention {
    static final Duration EVERY = Duration.ofMinutes(10);
    static final int BATCH = 2_000;
    /** At most this many batches of freed pages go back to the file system per pass (the rest next pass). */
    static final int RECLAIM_BATCHES = 500;
    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final Database db;
    private final StorageSettings storage;
    private final ResultStore results = new ResultStore();
    private final RollupStore rollups;
    private final ToolCallStore toolCalls = new ToolCallStore();
    private final Partitions partitions;
    private final InstantSource clock;

    public Retention(Database db, StorageSettings storage, InstantSource clock) {
        this.db = db;
        this.storage = storage;
        this.rollups = new RollupStore(db.dialect());
        this.partitions = new Partitions(db);
        this.clock = clock;
    }

    /** One pass; returns the number of rows deleted. */
    public long run() {
        long now = clock.millis();
        long deleted = 0;
        try {
            int created = partitions.createAhead(now);
            if (created > 0) {
                log.info("retention created {} partitions for the days ahead", created);
            }
            // whole minutes, so the oldest minute the raw results hold is complete
            long rawCutoff = Resolution.MINUTE.bucketStart(now - storage.rawRetention().toMillis());
            if (storage.minuteRollupRetention().compareTo(storage.rawRetention()) > 0) {
                int kept = db.transaction(c -> rollups.keepMinutes(c, rawCutoff));
                if (kept > 0) {
                    log.info("retention stored {} minute rollups of raw results about to expire", kept);
                }
            }
            int dropped = partitions.dropBefore(rawCutoff);
            if (dropped > 0) {
                log.info("retention dropped {} partitions of raw results older than {}", dropped, Instant.ofEpochMilli(rawCutoff));
            }
            int n;
            do {
                n = db.transaction(c -> results.deleteOlderThan(c, rawCutoff, BATCH));
                deleted += n;
                pause();
            } while (n == BATCH);
            long minuteCutoff = now - storage.minuteRollupRetention().toMillis();
            drop(Partitions.MINUTES, minuteCutoff);
            deleted += deleteRollups(Resolution.MINUTE, minuteCutoff);
            deleted += deleteToolCallMinutes(minuteCutoff);
            long rollupCutoff = now - storage.rollupRetention().toMillis();
            drop(Partitions.ROLLUPS, rollupCutoff);
            deleted += deleteRollups(Resolution.HOUR, rollupCutoff);
            deleted += deleteRollups(Resolution.DAY, rollupCutoff);
            if (deleted > 0) {
                // SQLite would otherwise keep the freed pages in the file for ever
                db.reclaimFreePages(RECLAIM_BATCHES);
            }
        } catch (SQLException e) {
            log.warn("retention stopped early: {}", e.getMessage());
        }
        if (deleted > 0) {
            log.info("retention deleted {} rows", deleted);
        }
        return deleted;
    }

    private void drop(List<Partitions.Table> tables, long cutoff) throws SQLException {
        int dropped = partitions.dropBefore(tables, cutoff);
        if (dropped > 0) {
            log.info("retention dropped {} partitions of {} older than {}", dropped, tables.stream().map(Partitions.Table::name).toList(),
                    Instant.ofEpochMilli(cutoff));
        }
    }

    /** SLOs on a tool's calls keep their minutes as long as minute rollups. */
    private long deleteToolCallMinutes(long cutoff) throws SQLException {
        long deleted = 0;
        int n;
        while ((n = db.transaction(c -> toolCalls.deleteMinutesBefore(c, cutoff))) > 0) {
            deleted += n;
            pause();
        }
        return deleted;
    }

    private long deleteRollups(Resolution res, long cutoff) throws SQLException {
        long deleted = 0;
        int n;
        while ((n = db.transaction(c -> rollups.deleteOldestBucket(c, res, cutoff))) > 0) {
            deleted += n;
            pause();
        }
        return deleted;
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
