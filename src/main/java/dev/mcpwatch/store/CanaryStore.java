package dev.mcpwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Continuous canaries: their definitions (from the file or the API), the stage each has reached and
 * since when, the last answer given to deploy tooling, every stage it was put on, and every round's
 * figures. The file wins: an id it defines is owned by the file, whatever the API wrote before.
 */
public final class CanaryStore {

    /** A canary as kept. {@code definition} is its settings as JSON; {@code decision} the last round's answer, or null before any. */
    public record CanaryRow(String id, String source, String definition, int stage, Integer fileStage, long startedAt, long stageStartedAt,
            String decision, long updatedAt) {}

    /** One round: each side's probes, failures, unreachable probes and whole-probe time; the window's figures; the decision. */
    public record RoundRow(long at, int stableProbes, int stableErrors, int stableUnreachable, Double stableMs, int canaryProbes,
            int canaryErrors, int canaryUnreachable, Double canaryMs, Double stableErrorRate, Double canaryErrorRate, Double stableP99Ms,
            Double canaryP99Ms, String decision) {}

    /** A stage the canary was put on, when and by whom. */
    public record StageRow(long at, int stage, String by) {}

    private static final Sql.Row<CanaryRow> CANARY = rs -> new CanaryRow(rs.getString("id"), rs.getString("source"),
            rs.getString("definition"), rs.getInt("stage"), Sql.intOrNull(rs, "file_stage"), rs.getLong("started_at"),
            rs.getLong("stage_started_at"), rs.getString("decision"), rs.getLong("updated_at"));

    private static final Sql.Row<RoundRow> ROUND = rs -> new RoundRow(rs.getLong("at"), rs.getInt("stable_probes"),
            rs.getInt("stable_errors"), rs.getInt("stable_unreachable"), Sql.doubleOrNull(rs, "stable_ms"), rs.getInt("canary_probes"),
            rs.getInt("canary_errors"), rs.getInt("canary_unreachable"), Sql.doubleOrNull(rs, "canary_ms"),
            Sql.doubleOrNull(rs, "stable_error_rate"), Sql.doubleOrNull(rs, "canary_error_rate"), Sql.doubleOrNull(rs, "stable_p99_ms"),
            Sql.doubleOrNull(rs, "canary_p99_ms"), rs.getString("decision"));

    /** Every live canary, by id. */
    public List<CanaryRow> all(Connection c) throws SQLException {
        return Sql.list(c, "SELECT * FROM canaries WHERE removed_at IS NULL ORDER BY id", CANARY);
    }

    /** A live canary, or null. */
    public CanaryRow get(Connection c, String id) throws SQLException {
        return Sql.one(c, "SELECT * FROM canaries WHERE id = ? AND removed_at IS NULL", CANARY, id);
    }

    /**
     * Stores a canary's definition. A new canary (or one removed before) starts at {@code stage}
     * from {@code startedAt}; a known one keeps the stage it reached, unless the file now gives
     * another stage than it gave last ({@code fileStage}, null from the API): then the file's stage
     * applies from now, as a promotion written in the file. Returns the row as stored.
     */
    public CanaryRow save(Connection c, String id, String source, String definition, int stage, Integer fileStage, long startedAt, long now)
            throws SQLException {
        CanaryRow old = Sql.one(c, "SELECT * FROM canaries WHERE id = ?", CANARY, id);
        if (old == null) {
            Sql.update(c, "INSERT INTO canaries (id, source, definition, stage, file_stage, started_at, stage_started_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, source, definition, stage, fileStage, startedAt, startedAt, now);
            stage(c, id, startedAt, stage, source);
        } else if (isRemoved(c, id)) {
            Sql.update(c, "UPDATE canaries SET source = ?, definition = ?, stage = ?, file_stage = ?, started_at = ?, stage_started_at = ?, "
                    + "decision = NULL, updated_at = ?, removed_at = NULL WHERE id = ?", source, definition, stage, fileStage,
                    startedAt, startedAt, now, id);
            Sql.update(c, "DELETE FROM canary_rounds WHERE canary_id = ?", id);
            Sql.update(c, "DELETE FROM canary_stages WHERE canary_id = ?", id);
            stage(c, id, startedAt, stage, source);
        } else if (fileStage != null && !fileStage.equals(old.fileStage()) && fileStage != old.stage()) {
            Sql.update(c, "UPDATE canaries SET source = ?, definition = ?, stage = ?, file_stage = ?, stage_started_at = ?, updated_at = ? "
                    + "WHERE id = ?", source, definition, fileStage, fileStage, now, now, id);
            stage(c, id, now, fileStage, source);
        } else {
            Sql.update(c, "UPDATE canaries SET source = ?, definition = ?, file_stage = ?, updated_at = ? WHERE id = ?", source, definition,
                    fileStage, now, id);
        }
        return get(c, id);
    }

    private static boolean isRemoved(Connection c, String id) throws SQLException {
        return Sql.one(c, "SELECT removed_at FROM canaries WHERE id = ?", rs -> Sql.longOrNull(rs, "removed_at"), id) != null;
    }

    /** Records a move to another stage from {@code at}: the stage's minimum time counts from there. */
    public void promote(Connection c, String id, int stage, String by, long at) throws SQLException {
        Sql.update(c, "UPDATE canaries SET stage = ?, stage_started_at = ?, updated_at = ? WHERE id = ?", stage, at, at, id);
        stage(c, id, at, stage, by);
    }

    private static void stage(Connection c, String id, long at, int stage, String by) throws SQLException {
        Sql.update(c, "INSERT INTO canary_stages (canary_id, at, stage, by_whom) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (canary_id, at) DO UPDATE SET stage = excluded.stage, by_whom = excluded.by_whom", id, at, stage, by);
    }

    /** Marks a canary removed (its rounds stay until it is added again). */
    public boolean remove(Connection c, String id, long now) throws SQLException {
        return Sql.update(c, "UPDATE canaries SET removed_at = ?, updated_at = ? WHERE id = ? AND removed_at IS NULL", now, now, id) == 1;
    }

    /** Ids the file no longer defines are removed; returns them. */
    public List<String> removeFileCanariesExcept(Connection c, java.util.Set<String> keep, long now) throws SQLException {
        List<String> gone = Sql.list(c, "SELECT id FROM canaries WHERE source = 'file' AND removed_at IS NULL", rs -> rs.getString(1))
                .stream().filter(id -> !keep.contains(id)).toList();
        for (String id : gone) {
            remove(c, id, now);
        }
        return gone;
    }

    /** Adds a round and the answer it led to. */
    public void round(Connection c, String id, RoundRow r) throws SQLException {
        Sql.update(c, """
                INSERT INTO canary_rounds (canary_id, at, stable_probes, stable_errors, stable_unreachable, stable_ms, canary_probes,
                    canary_errors, canary_unreachable, canary_ms, stable_error_rate, canary_error_rate, stable_p99_ms, canary_p99_ms, decision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (canary_id, at) DO NOTHING""", id, r.at(), r.stableProbes(), r.stableErrors(), r.stableUnreachable(), r.stableMs(),
                r.canaryProbes(), r.canaryErrors(), r.canaryUnreachable(), r.canaryMs(), r.stableErrorRate(), r.canaryErrorRate(),
                r.stableP99Ms(), r.canaryP99Ms(), r.decision());
        Sql.update(c, "UPDATE canaries SET decision = ?, updated_at = ? WHERE id = ?", r.decision(), r.at(), id);
    }

    /** The rounds from {@code from} (inclusive), oldest first, at most {@code limit}. */
    public List<RoundRow> rounds(Connection c, String id, long from, int limit) throws SQLException {
        return Sql.list(c, "SELECT * FROM canary_rounds WHERE canary_id = ? AND at >= ? ORDER BY at LIMIT ?", ROUND, id, from, limit);
    }

    /** Every stage the canary was put on, oldest first. */
    public List<StageRow> stages(Connection c, String id) throws SQLException {
        return Sql.list(c, "SELECT at, stage, by_whom FROM canary_stages WHERE canary_id = ? ORDER BY at", rs -> new StageRow(rs.getLong(1),
                rs.getInt(2), rs.getString(3)), id);
    }

    /** Drops rounds older than {@code before}; returns how many. */
    public int pruneRounds(Connection c, long before) throws SQLException {
        return Sql.update(c, "DELETE FROM canary_rounds WHERE at < ?", before);
    }
}
