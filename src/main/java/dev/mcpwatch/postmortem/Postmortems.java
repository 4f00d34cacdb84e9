package dev.mcpwatch.postmortem;

import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.PostmortemStore;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.store.SchemaStore;
import dev.mcpwatch.store.ToolListStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An incident's postmortem: the saved one (every version kept), else a draft written from the
 * record at the moment it is asked for; saving; and the P1s still without one a day after they
 * resolved (the incident-response guide: within 24 hours of resolution).
 */
public final class Postmortems {
    /** A P1 resolved this long ago without a saved postmortem is overdue. */
    public static final Duration DUE = Duration.ofHours(24);
    /** Bigger than any postmortem people write; bounds what one PUT can store. */
    static final int MAX_CHARS = 200_000;

    /**
     * An incident's postmortem as served.
     *
     * @param saved    the latest saved version, or null while it is a draft
     * @param required whether the guide asks for one (every P1, a P2 over 30 minutes)
     * @param overdue  required, a P1, resolved over 24 h ago, never saved
     */
    public record View(Incident incident, String monitorName, PostmortemDraft.Draft draft, PostmortemStore.Version saved,
            List<PostmortemStore.Version> history, boolean required, boolean overdue) {

        /** What is shown and served: the saved text, else the draft. */
        public String markdown() {
            return saved != null ? saved.body() : draft.markdown();
        }
    }

    /** An overdue P1, for the dashboard's list. */
    public record Overdue(long incidentId, String monitorId, String monitorName, long resolvedAt) {}

    private final Database db;
    private final InstantSource clock;
    private final IncidentStore incidents = new IncidentStore();
    private final MonitorStore monitors = new MonitorStore();
    private final PostmortemStore store = new PostmortemStore();
    private final ResultStore results = new ResultStore();
    private final ToolListStore toolLists = new ToolListStore();
    private final SchemaStore schemas = new SchemaStore();

    public Postmortems(Database db, InstantSource clock) {
        this.db = db;
        this.clock = clock;
    }

    public View view(long incidentId) throws SQLException {
        long now = clock.millis();
        return db.read(c -> {
            Incident i = incidents.get(c, incidentId);
            if (i == null) {
                throw new NoSuchElementException("no incident " + incidentId);
            }
            var monitor = monitors.get(c, i.monitorId());
            String name = monitor == null ? i.monitorId() : monitor.name();
            List<TimelineEvent> timeline = incidents.events(c, incidentId);
            var draft = PostmortemDraft.write(new PostmortemDraft.Facts(i, i.monitorId(), name, timeline, changes(c, i), now));
            List<PostmortemStore.Version> history = store.history(c, incidentId);
            boolean required = PostmortemDraft.required(i, timeline, now);
            boolean overdue = required && history.isEmpty() && PostmortemDraft.worst(i, timeline) == dev.mcpwatch.incident.Severity.P1
                    && i.resolvedAt() != null && now - i.resolvedAt() > DUE.toMillis();
            return new View(i, name, draft, history.isEmpty() ? null : history.getFirst(), history, required, overdue);
        });
    }

    /** Saves a new version; returns its number. */
    public int save(long incidentId, String markdown, String author) throws SQLException {
        if (markdown == null || markdown.isBlank()) {
            throw new IllegalArgumentException("the postmortem is empty: send its Markdown as the body");
        }
        if (markdown.length() > MAX_CHARS) {
            throw new IllegalArgumentException("the postmortem is longer than " + MAX_CHARS + " characters (" + markdown.length() + ")");
        }
        long now = clock.millis();
        return db.transaction(c -> {
            if (incidents.get(c, incidentId) == null) {
                throw new NoSuchElementException("no incident " + incidentId);
            }
            return store.save(c, incidentId, markdown, author, now);
        });
    }

    /** P1s resolved over 24 h ago with no saved postmortem, oldest first (at most {@code limit}). */
    public List<Overdue> overdue(int limit) throws SQLException {
        long cutoff = clock.millis() - DUE.toMillis();
        return db.read(c -> {
            List<Overdue> out = new ArrayList<>();
            for (long id : store.p1sWithout(c, cutoff, limit)) {
                Incident i = incidents.get(c, id);
                var m = monitors.get(c, i.monitorId());
                out.add(new Overdue(id, i.monitorId(), m == null ? i.monitorId() : m.name(), i.resolvedAt()));
            }
            return out;
        });
    }

    /** What changed on the server in the 30 minutes before the onset: its tool list, drift, its version. */
    private List<PostmortemDraft.Change> changes(Connection c, Incident i) throws SQLException {
        long from = i.onsetAt() - PostmortemDraft.DEPLOY_WINDOW.toMillis();
        long to = i.onsetAt();
        List<PostmortemDraft.Change> out = new ArrayList<>();
        var lists = toolLists.history(c, i.monitorId(), 50);
        for (int k = 0; k < lists.size(); k++) {
            var h = lists.get(k);
            boolean firstEver = k == lists.size() - 1 && lists.size() < 50; // the monitor's first list is no change
            if (!firstEver && h.seenAt() >= from && h.seenAt() <= to) {
                out.add(new PostmortemDraft.Change(h.seenAt(), "the tool list changed (now " + h.toolCount() + " tools, fingerprint "
                        + h.fingerprint().substring(0, Math.min(12, h.fingerprint().length())) + ")"));
            }
        }
        for (var d : schemas.drifts(c, i.monitorId(), null, 50)) {
            if (d.detectedAt() >= from && d.detectedAt() <= to) {
                out.add(new PostmortemDraft.Change(d.detectedAt(), "schema drift: " + d.summary()
                        + (d.breaking() > 0 ? " (" + d.breaking() + " breaking)" : "")));
            }
        }
        List<ResultStore.VersionSeen> versions = results.serverVersionChanges(c, i.monitorId(), from, to);
        for (int k = 1; k < versions.size(); k++) {
            out.add(new PostmortemDraft.Change(versions.get(k).at(), "server version " + versions.get(k - 1).version() + " → "
                    + versions.get(k).version()));
        }
        out.sort(Comparator.comparingLong(PostmortemDraft.Change::at));
        return out;
    }
}
