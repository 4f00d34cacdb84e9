package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

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
}
