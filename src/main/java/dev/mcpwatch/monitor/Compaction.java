package dev.mcpwatch.monitor;

import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.ResultChunks;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packs each monitor's healthy probes of every closed span (20 minutes) into one chunk ({@link ResultChunks}):
 * what keeps a week of raw results small. A span is packed once it ended {@link #MARGIN} ago, so
 * that probes still running at its end have been written; one that is later still is merged in on a
 * following pass. One short transaction per monitor and span, so probes keep writing meanwhile.
 * Runs as a recurring task, so only one node packs at a time.
 */
public final class Compaction {
    static final Duration EVERY = Duration.ofMinutes(10);
    static final Duration MARGIN = Duration.ofMinutes(5);
    static final int BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(Compaction.class);

    private final Database db;
    private final ResultChunks chunks;
    private final InstantSource clock;

    public Compaction(Database db, InstantSource clock) {
        this.db = db;
        this.chunks = new ResultChunks(db.dialect());
        this.clock = clock;
    }

    /** One pass; returns how many probes it packed. */
    public long run() {
        long before = ResultChunks.spanStart(clock.millis() - MARGIN.toMillis());
        Set<ResultChunks.MonitorSpan> tried = new HashSet<>();
        long packed = 0;
        try {
            while (true) {
                List<ResultChunks.MonitorSpan> spans = db.read(c -> chunks.closedSpans(c, before, BATCH));
                List<ResultChunks.MonitorSpan> fresh = spans.stream().filter(tried::add).toList();
                for (ResultChunks.MonitorSpan h : fresh) {
                    try {
                        packed += db.transaction(c -> chunks.compact(c, h));
                    } catch (SQLException e) {
                        // left as rows, read as they are, tried again next pass
                        log.warn("could not pack the probes of monitor key {} for the span from {}: {}", h.monitorKey(), h.spanStart(),
                                e.getMessage());
                    }
                }
                if (fresh.isEmpty() || spans.size() < BATCH) {
                    break;
                }
            }
        } catch (SQLException e) {
            log.warn("compaction stopped early: {}", e.getMessage());
        }
        if (packed > 0) {
            log.info("compaction packed {} healthy probes of closed spans", packed);
        }
        return packed;
    }
}
