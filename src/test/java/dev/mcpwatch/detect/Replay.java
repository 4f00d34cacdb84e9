package dev.mcpwatch.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.MonitorState;
import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.DetectionStore;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.SchemaStore;
import dev.mcpwatch.store.StateStore;
import dev.mcpwatch.store.WarningStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Recorded probes replayed through the real recorder and detector on a real database: each result
 * is recorded, state machine, rules, incident and events, in its own transaction, exactly as
 * {@code serve} records it — only the time comes from the results. Events are captured as the
 * alerting outbox would hear them.
 */
final class Replay implements AutoCloseable {
    private final Database db;
    private final ResultRecorder recorder;
    private final List<MonitorEvent> events = Collections.synchronizedList(new ArrayList<>());

    Replay(StorageSettings storage) {
        this(storage, Rules.all());
    }

    /** With these rules instead of all of them. */
    Replay(StorageSettings storage, List<Rule> rules) {
        this.db = Database.open(storage);
        MonitorEvents bus = new MonitorEvents();
        bus.listen((c, e) -> events.add(e));
        this.recorder = new ResultRecorder(db, "test", 1_000, new Incidents(db, bus, InstantSource.system()), InstantSource.system());
        recorder.assessWith(new Detector(db.dialect(), bus, rules));
    }

    static Replay sqlite() {
        return new Replay(storage("jdbc:sqlite:" + dev.mcpwatch.testkit.ServeFixture.tempDir("replay").resolve("mcpwatch.db"), null));
    }

    static StorageSettings storage(String url, String user) {
        return new StorageSettings(url, user, null, Duration.ofDays(7), Duration.ofDays(400), 1_000);
    }

    /** The monitors of {@code yaml} (as a user writes them), stored like serve stores its configuration. */
    List<MonitorConfig> monitors(String yaml) {
        try {
            List<MonitorConfig> monitors = new ConfigLoader(k -> null).loadText(yaml, "replay.yaml").monitors();
            db.transaction(c -> new MonitorStore().sync(c, monitors, 0));
            return monitors;
        } catch (ConfigException | SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    MonitorConfig monitor(String yaml) {
        return monitors(yaml).getFirst();
    }

    /** Records one probe, finished when its start and duration say. */
    ResultRecorder.Recorded record(MonitorConfig m, Probe p) {
        ResultRecorder.Recorded r = recorder.record(m, p.result(), p.finishedAt());
        assertThat(r).as("recorded, not buffered").isNotNull();
        return r;
    }

    List<MonitorEvent> events() {
        return List.copyOf(events);
    }

    List<Incident> incidents(String monitorId) {
        List<Incident> out = new ArrayList<>(read(c -> new IncidentStore().page(c, monitorId, null, null, 500)));
        Collections.reverse(out);
        return out;
    }

    List<TimelineEvent> timeline(long incidentId) {
        return read(c -> new IncidentStore().events(c, incidentId));
    }

    List<WarningStore.WarningRow> warnings(String monitorId) {
        List<WarningStore.WarningRow> out = new ArrayList<>(read(c -> new WarningStore().page(c, monitorId, false, null, 500)));
        Collections.reverse(out);
        return out;
    }

    List<SchemaStore.DriftRow> drifts(String monitorId) {
        List<SchemaStore.DriftRow> out = new ArrayList<>(read(c -> new SchemaStore().drifts(c, monitorId, null, 500)));
        Collections.reverse(out);
        return out;
    }

    List<SchemaStore.Baseline> baselines(String monitorId) {
        List<SchemaStore.Baseline> out = new ArrayList<>(read(c -> new SchemaStore().history(c, monitorId, 500)));
        Collections.reverse(out);
        return out;
    }

    Map<String, DetectionStore.RuleState> detection(String monitorId) {
        return read(c -> new DetectionStore().load(c, monitorId));
    }

    MonitorState state(String monitorId) {
        return read(c -> new StateStore(db.dialect()).lock(c, monitorId));
    }

    DriftAcknowledgement.Result acknowledge(String monitorId, String by, long at) {
        try {
            return db.transaction(c -> new DriftAcknowledgement().acknowledge(c, monitorId, null, by, null, at));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    Database database() {
        return db;
    }

    private <T> T read(Database.Work<T> work) {
        try {
            return db.read(work);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
