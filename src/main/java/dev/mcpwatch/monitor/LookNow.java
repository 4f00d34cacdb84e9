package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.MonitorStatus;
import dev.mcpwatch.incident.Transition;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.ScheduledTaskStore;
import java.sql.SQLException;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a probe fails in this location while it saw the monitor up, the other locations are asked to look
 * now: their waiting executions of that monitor are moved to this moment, so a real outage is seen
 * from a second place within seconds instead of at that location's next slot. This location's own
 * re-probes stay its own (its retry interval reschedules its execution).
 */
final class LookNow implements ResultRecorder.Committed {
    private static final Logger log = LoggerFactory.getLogger(LookNow.class);

    private final Database db;
    private final String ownTask;
    private final InstantSource clock;
    private final ScheduledTaskStore tasks = new ScheduledTaskStore();

    LookNow(Database db, String location, InstantSource clock) {
        this.db = db;
        this.ownTask = Stagger.taskName(location);
        this.clock = clock;
    }

    @Override
    public void after(MonitorConfig monitor, ResultRecorder.Recorded recorded) {
        // This location's own move, not the monitor's: a monitor already failing elsewhere (regional) is
        // still news when it starts failing here, and the others should confirm it now.
        if (recorded == null || !firstFailure(recorded.local())) {
            return;
        }
        try {
            int moved = db.transaction(c -> tasks.lookNow(c, db.dialect(), monitor.id(), ownTask, clock.instant()));
            if (moved > 0) {
                log.debug("{} failed here: {} other locations asked to look now", monitor.id(), moved);
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("could not ask the other locations to look at {} now: {}", monitor.id(), e.getMessage());
        }
    }

    /** A failed probe of a monitor that was up. */
    static boolean firstFailure(Transition t) {
        return t != null && t.from().status() == MonitorStatus.UP && t.next().status() != MonitorStatus.UP;
    }
}
