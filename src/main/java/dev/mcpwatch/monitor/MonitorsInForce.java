package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.MonitorReader;
import dev.mcpwatch.probe.Era;
import dev.mcpwatch.probe.EraMemory;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.store.ApiMonitorStore;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.store.StateStore;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitors in force: the configuration file's and those added from the dashboard or the API
 * ({@link ApiMonitors}); an id the file defines always belongs to the file. Puts them in the
 * {@link MonitorRegistry} every probe reads, keeps the database's list of monitors the same (a
 * removed monitor's open incident resolves as "monitor removed"), and tells whoever schedules probes
 * what changed.
 */
public final class MonitorsInForce {
    private static final Logger log = LoggerFactory.getLogger(MonitorsInForce.class);

    private final Database db;
    private final Incidents incidents;
    private final InstantSource clock;
    private final MonitorRegistry registry = new MonitorRegistry();
    private final ApiMonitors api;
    private final MonitorStore stored = new MonitorStore();
    private final ApiMonitorStore apiStored = new ApiMonitorStore();
    private volatile List<MonitorConfig> file;
    /** The API's monitors as last read, kept in force while the database cannot be read. */
    private volatile List<MonitorConfig> apiInForce = List.of();
    private volatile Consumer<MonitorRegistry.Diff> changed = d -> { };

    /**
     * {@code env} resolves the {@code ${ENV}} references of the API's monitors' header values, of the
     * variables {@code envAllowed} lets them read ({@code web.api_env_allow}).
     */
    public MonitorsInForce(Database db, List<MonitorConfig> file, MonitorReader reader, Function<String, String> env, Predicate<String> envAllowed,
            Incidents incidents, InstantSource clock) {
        this.db = db;
        this.file = List.copyOf(file);
        this.incidents = incidents;
        this.clock = clock;
        this.api = new ApiMonitors(db, reader, env, envAllowed, this::fileIds, incidents, clock);
        api.onChange(this::apiChanged);
        registry.replace(all());
    }

    public MonitorRegistry registry() {
        return registry;
    }

    /** Adding, editing, pausing and deleting the dashboard's and the API's monitors. */
    public ApiMonitors api() {
        return api;
    }

    /** Runs after each change of the monitors in force, with what changed (the schedulers apply it). */
    public void onChange(Consumer<MonitorRegistry.Diff> action) {
        this.changed = action;
    }

    /** The configuration file was reloaded: its monitors take effect at once. */
    public synchronized MonitorRegistry.Diff reload(List<MonitorConfig> next) {
        file = List.copyOf(next);
        MonitorRegistry.Diff diff = registry.replace(all());
        store();
        changed.accept(diff);
        if (!diff.isEmpty()) {
            log.info("monitors: {} added, {} changed, {} removed", diff.added().size(), diff.changed().size(), diff.removed().size());
        }
        return diff;
    }

    /**
     * Makes the database's list of monitors match the file's, and resolves the open incident of each
     * monitor removed, as "monitor removed". When the database is away this says so and returns:
     * it is called again when the database is back.
     */
    public synchronized void store() {
        try {
            db.transaction(c -> {
                int redacted = stored.redactStoredUrls(c);
                if (redacted > 0) {
                    log.info("redacted the stored URLs of {} monitors (user info and query values are no longer stored)", redacted);
                }
                MonitorStore.SyncResult sync = stored.sync(c, file, clock.millis());
                apiStored.dropShadowed(c, fileIds());
                for (String id : sync.removed()) {
                    incidents.resolveRemoved(c, id);
                }
                return sync;
            });
        } catch (SQLException | RuntimeException e) {
            log.warn("could not store the monitors' configuration ({}); will retry when the database is back", e.getMessage());
        }
    }

    /** Seeds {@code eras} with the protocol era each monitor in force was last probed in, so probes start in the right one. */
    public void rememberEras(EraMemory eras) {
        try {
            Map<String, String> known = db.read(c -> new StateStore(db.dialect()).eras(c));
            known.forEach((id, era) -> {
                MonitorConfig m = registry.get(id);
                if (m != null) {
                    eras.remember(Prober.memoryKey(m.toProbeSpec()), Era.valueOf(era.toUpperCase(Locale.ROOT)));
                }
            });
        } catch (SQLException | RuntimeException e) {
            log.debug("no remembered protocol eras: {}", e.getMessage());
        }
    }

    /** A monitor was added, edited, paused or deleted from the dashboard or the API. */
    private synchronized void apiChanged() {
        changed.accept(registry.replace(all()));
    }

    /** The file's monitors and the API's; the file's win an id both have. */
    private List<MonitorConfig> all() {
        List<MonitorConfig> all = new ArrayList<>(file);
        try {
            apiInForce = api.load();
        } catch (SQLException | RuntimeException e) {
            log.warn("could not read the monitors added from the dashboard ({}); keeping the {} read before", e.getMessage(),
                    apiInForce.size());
        }
        Set<String> fileIds = fileIds();
        apiInForce.stream().filter(m -> !fileIds.contains(m.id())).forEach(all::add);
        return all;
    }

    private Set<String> fileIds() {
        return file.stream().map(MonitorConfig::id).collect(Collectors.toUnmodifiableSet());
    }
}
