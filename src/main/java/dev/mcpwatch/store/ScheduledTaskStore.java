package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.HashSet;
import java.util.Set;
import java.util.TimeZone;

/**
 * db-scheduler's {@code scheduled_tasks} table, for the two things its API does not do: list a
 * task's instances in one query, and hand back at once what a node had picked before it stopped.
 */
public final class ScheduledTaskStore {

    /** The instance ids of a task that have an execution. */
    public Set<String> instances(Connection c, String task) throws SQLException {
        return new HashSet<>(Sql.list(c, "SELECT task_instance FROM scheduled_tasks WHERE task_name = ?", rs -> rs.getString(1), task));
    }

    /** Unpicks the executions {@code node} had picked; returns how many. */
    public int release(Connection c, String node) throws SQLException {
        return Sql.update(c, "UPDATE scheduled_tasks SET picked = ?, picked_by = NULL, last_heartbeat = NULL, version = version + 1 "
                + "WHERE picked = ? AND picked_by = ?", false, true, node);
    }

    /**
     * Moves the waiting probes of monitor {@code instance} by every location but the one of task
     * {@code exceptTask} to {@code now}, where they are planned later; returns how many moved. A
     * picked execution is running and left alone; the version is bumped as db-scheduler does, so a
     * node about to pick the old row does not.
     */
    public int lookNow(Connection c, Dialect dialect, String instance, String exceptTask, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE scheduled_tasks SET execution_time = ?, version = version + 1 "
                + "WHERE task_instance = ? AND (task_name = 'probe' OR task_name LIKE 'probe@%') AND task_name <> ? "
                + "AND picked = ? AND execution_time > ?")) {
            setTime(ps, 1, dialect, now);
            ps.setString(2, instance);
            ps.setString(3, exceptTask);
            ps.setBoolean(4, false);
            setTime(ps, 5, dialect, now);
            return ps.executeUpdate();
        }
    }

    /** A time bound as db-scheduler binds it: a UTC timestamp on SQLite, an offset date-time on PostgreSQL's TIMESTAMPTZ. */
    private static void setTime(PreparedStatement ps, int i, Dialect dialect, Instant t) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            ps.setObject(i, t.atOffset(ZoneOffset.UTC));
        } else {
            ps.setTimestamp(i, Timestamp.from(t), Calendar.getInstance(TimeZone.getTimeZone("UTC")));
        }
    }
}
