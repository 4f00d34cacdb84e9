package dev.mcpwatch.detect;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.DetectionStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.SchemaStore;
import dev.mcpwatch.store.ToolListStore;
import dev.mcpwatch.store.WarningStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.NoSuchElementException;

/**
 * An operator accepts a monitor's current tool list: it becomes the schema baseline (the one it
 * replaces stays in the history, with who acknowledged and when), the open drifts are marked
 * acknowledged, and the drift warning clears. The runbook's "update the baseline schema" step.
 * One transaction; the next probes are judged against the new baseline.
 */
public final class DriftAcknowledgement {

    /** What an acknowledgement did. */
    public record Result(SchemaStore.Baseline baseline, SchemaStore.Baseline replaced, int driftsAcknowledged, int warningsCleared) {}

    /** The current list is already the baseline, or not the one the operator reviewed (HTTP 409). */
    public static final class Conflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(message, null, false, false);
        }
    }

    private final MonitorStore monitors = new MonitorStore();
    private final ToolListStore toolLists = new ToolListStore();
    private final SchemaStore schemas = new SchemaStore();
    private final WarningStore warnings = new WarningStore();
    private final DetectionStore detection = new DetectionStore();

    /**
     * @param reviewed the fingerprint of the list the operator reviewed, or null to take whatever the
     *     monitor serves now; given and different from the current list, nothing changes ({@link Conflict})
     */
    public Result acknowledge(Connection c, String monitorId, String reviewed, String by, String note, long now) throws SQLException {
        MonitorStore.MonitorRow monitor = monitors.get(c, monitorId);
        if (monitor == null) {
            throw new NoSuchElementException("no monitor '" + monitorId + "'");
        }
        ToolListStore.StoredList current = toolLists.current(c, monitorId);
        if (current == null) {
            throw new NoSuchElementException("monitor '" + monitorId + "' has not listed its tools yet; there is nothing to acknowledge");
        }
        if (reviewed != null && !reviewed.matches("[0-9a-f]{8,64}")) {
            throw new IllegalArgumentException("fingerprint must be 8 to 64 lower-case hex digits (the start of the list's fingerprint), "
                    + "got '" + reviewed + "'");
        }
        if (reviewed != null && !current.fingerprint().startsWith(reviewed)) {
            throw new Conflict("monitor '" + monitorId + "' now serves tool list " + current.fingerprint().substring(0, 16)
                    + ", not " + reviewed + "; review the current drift and acknowledge again");
        }
        SchemaStore.Baseline replaced = schemas.current(c, monitorId);
        if (replaced != null && replaced.toolListId() == current.id()) {
            throw new Conflict("nothing to acknowledge: monitor '" + monitorId + "' serves its baseline tool list ("
                    + current.fingerprint().substring(0, 16) + ")");
        }
        schemas.setBaseline(c, monitorId, current.id(), monitor.serverVersion(), now, by, note);
        int drifts = schemas.acknowledge(c, monitorId, now, by);
        int cleared = warnings.clearAll(c, monitorId, SchemaDriftRule.ID, now);
        // The drift rule's held warning is gone; its memory no longer matches the baseline, so the
        // next probe judges the list afresh against the new one.
        detection.save(c, monitorId, SchemaDriftRule.ID, Json.object(), Json.object(), now);
        return new Result(schemas.current(c, monitorId), replaced, drifts, cleared);
    }
}
