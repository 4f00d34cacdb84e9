package dev.mcpwatch;

import dev.mcpwatch.alert.Alerting;
import dev.mcpwatch.auth.AuthPages;
import dev.mcpwatch.auth.AuthService;
import dev.mcpwatch.config.ConfigLoader;
import dev.mcpwatch.config.ConfigWatcher;
import dev.mcpwatch.config.McpwatchConfig;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.detect.DetectionApi;
import dev.mcpwatch.detect.Detector;
import dev.mcpwatch.dashboard.ApiMonitors;
import dev.mcpwatch.dashboard.Dashboard;
import dev.mcpwatch.dashboard.DashboardApi;
import dev.mcpwatch.monitor.Events;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.monitor.MonitorRegistry;
import dev.mcpwatch.monitor.ProbeRunner;
import dev.mcpwatch.monitor.Probing;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.monitor.Retention;
import dev.mcpwatch.oauth.GrantStore;
import dev.mcpwatch.oauth.OAuthClients;
import dev.mcpwatch.oauth.OAuthException;
import dev.mcpwatch.probe.Era;
import dev.mcpwatch.probe.EraMemory;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.store.MonitorStore;
import dev.mcpwatch.status.StatusPages;
import dev.mcpwatch.status.StatusRoutes;
import dev.mcpwatch.status.StatusUpdates;
import dev.mcpwatch.store.ApiMonitorStore;
import dev.mcpwatch.store.StateStore;
import dev.mcpwatch.web.ApiServer;
import dev.mcpwatch.web.Assets;
import dev.mcpwatch.web.HealthReport;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mcpwatch serve}, wired by hand in one place: the database, the monitors in force, the
 * prober and the recorder (with detection judging every probe), scheduling (over the database, or from
 * memory while it is away), alerting (listening to monitor events before anything can produce one),
 * the API, the dashboard and status pages, and the configuration watcher that reloads monitors and
 * alerting without a restart. The monitors in force are the file's and those added from the
 * dashboard or the API; an id the file defines always belongs to the file.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);

    private final McpwatchConfig initial;
    private final Database db;
    private final MonitorRegistry registry = new MonitorRegistry();
    private final Events events = new Events();
    private final ResultRecorder recorder;
    private final Probing probing;
    private final ApiServer api;
    private final Alerting alerting;
    private final ConfigWatcher watcher;
    private final ApiMonitors apiMonitors;
    private AuthService auth;
    private volatile McpwatchConfig current;
    /** The API's monitors as last read, kept in force while the database cannot be read. */
    private volatile List<MonitorConfig> apiInForce = List.of();
    private final String node;
    private final long startedAt = System.currentTimeMillis();

    private App(McpwatchConfig config, Path source) {
        this.initial = config;
        this.current = config;
        this.db = Database.open(config.storage());
        this.node = nodeName(config);
        EraMemory eras = EraMemory.inMemory();
        this.recorder = new ResultRecorder(db, config.server().location(), config.storage().bufferCapacity(), events);
        recorder.assessWith(new Detector(db.dialect(), events));
        Prober prober = new Prober(eras);
        ProbeRunner runner = new ProbeRunner(prober, recorder, config.server().maxConcurrentProbes(), oauthClients(db));
        this.probing = new Probing(db, registry, runner, new Retention(db, config.storage()), recorder, node,
                config.server().location(), config.server().maxConcurrentProbes());
        this.apiMonitors = new ApiMonitors(db, System::getenv, name -> current.web().allowsApiEnv(name), this::fileIds, events);
        registry.replace(monitorsInForce());
        this.alerting = Alerting.start(config.alerting(), db, events, registry, node, this::publicUrl);
        rememberEras(eras);
        storeMonitors();
        probing.onDatabaseBack(this::storeMonitors);
        apiMonitors.onChange(this::applyApiMonitors);
        List<dev.mcpwatch.web.ApiRoutes> routes = new ArrayList<>(List.of(new DetectionApi(db), alerting.routes()));
        routes.addAll(web(config));
        this.api = ApiServer.start(config.server(), db, this::health, routes);
        String code = auth.setupCode();
        if (code != null) {
            log.warn("No password is set. Open http://{}:{}/setup and enter the setup code {} (valid until restart), "
                    + "or run: mcpwatch user set-password", config.server().host(), api.port(), code);
        }
        // Started after the API, so the API answers while thousands of monitors are being scheduled.
        probing.start();
        if (source != null) {
            this.watcher = new ConfigWatcher(source, ConfigLoader.fromSystemEnvironment(), this::reload);
            watcher.start();
        } else {
            this.watcher = null;
        }
        log.info("mcpwatch {} serving {} monitors; API on http://{}:{}/ ; data in {}", Prober.VERSION, registry.size(),
                config.server().host(), api.port(), config.storage().url());
    }

    /**
     * The OAuth clients of the monitors with an auth block. Logins of users (authorization_code) are
     * kept in the database, sealed with MCPWATCH_OAUTH_KEY; without the key those monitors are
     * auth-walled with a message saying so, and client-credentials monitors work as ever.
     */
    private static OAuthClients oauthClients(Database db) {
        GrantStore grants = null;
        String key = System.getenv("MCPWATCH_OAUTH_KEY");
        if (key != null) {
            try {
                grants = GrantStore.open(db, key);
            } catch (OAuthException e) {
                log.warn("OAuth logins cannot be used: {}", e.getMessage());
            }
        }
        return OAuthClients.unattended(java.time.InstantSource.system(), grants);
    }

    public static App start(McpwatchConfig config, Path source) {
        return new App(config, source);
    }

    public int port() {
        return api.port();
    }

    public Database database() {
        return db;
    }

    public ResultRecorder recorder() {
        return recorder;
    }

    public Probing probing() {
        return probing;
    }

    public Alerting alerting() {
        return alerting;
    }

    /** The URL links in alerts start with: server.public_url, else this API's own address. */
    private String publicUrl() {
        String configured = initial.server().publicUrl();
        if (configured != null) {
            return configured;
        }
        return "http://" + initial.server().host() + ":" + (api == null ? initial.server().port() : api.port());
    }

    /** The one-time code of the first-run page (also in the log), or null once a password is set. */
    public String setupCode() {
        return auth.setupCode();
    }

    /** Where monitor events are published, inside the transactions that produce them. */
    public Events events() {
        return events;
    }

    /**
     * The dashboard, status pages and their login, as routes for the API server. The
     * dashboard shows alerting's acknowledgements and deliveries and the drift detector's tool diffs.
     */
    private List<dev.mcpwatch.web.ApiRoutes> web(McpwatchConfig config) {
        this.auth = new AuthService(db, () -> current.web());
        StatusPages pages = new StatusPages(db, () -> current.web(), () -> alerting.config().maintenance());
        StatusRoutes status = new StatusRoutes(pages, config.server().publicUrl());
        StatusUpdates updates = new StatusUpdates(status::invalidate, () -> alerting.config().maintenance());
        events.listen(updates);
        return List.of(new AuthPages(auth), new Assets(), status,
                new Dashboard(db, apiMonitors, updates, alerting, () -> current.web()),
                new DashboardApi(db, apiMonitors, updates));
    }

    /** The file's monitors and the API's; the file's win an id both have. */
    private List<MonitorConfig> monitorsInForce() {
        List<MonitorConfig> all = new ArrayList<>(current.monitors());
        try {
            apiInForce = apiMonitors.load();
        } catch (SQLException | RuntimeException e) {
            log.warn("could not read the monitors added from the dashboard ({}); keeping the {} read before", e.getMessage(),
                    apiInForce.size());
        }
        Set<String> file = fileIds();
        apiInForce.stream().filter(m -> !file.contains(m.id())).forEach(all::add);
        return all;
    }

    private Set<String> fileIds() {
        return current.monitors().stream().map(MonitorConfig::id).collect(Collectors.toUnmodifiableSet());
    }

    /** A monitor was added, edited, paused or deleted from the dashboard or the API. */
    private synchronized void applyApiMonitors() {
        MonitorRegistry.Diff diff = registry.replace(monitorsInForce());
        probing.apply(diff);
    }

    /** Applies a reloaded configuration: monitors take effect at once; server and storage need a restart. */
    synchronized void reload(McpwatchConfig next) {
        if (!next.server().equals(initial.server()) || !next.storage().equals(initial.storage())) {
            log.warn("server and storage settings changed in the configuration; they take effect after a restart");
        }
        current = next;
        MonitorRegistry.Diff diff = registry.replace(monitorsInForce());
        alerting.reload(next.alerting());
        storeMonitors();
        probing.apply(diff);
        if (!diff.isEmpty()) {
            log.info("monitors: {} added, {} changed, {} removed", diff.added().size(), diff.changed().size(), diff.removed().size());
        }
    }

    /**
     * Makes the database's list of monitors match the registry; a removed monitor's open incident
     * is resolved as "monitor removed". When the database is away this waits for it to come back.
     */
    private synchronized void storeMonitors() {
        MonitorStore monitors = new MonitorStore();
        IncidentStore incidents = new IncidentStore();
        StateStore states = new StateStore(db.dialect());
        try {
            db.transaction(c -> {
                int redacted = monitors.redactStoredUrls(c);
                if (redacted > 0) {
                    log.info("redacted the stored URLs of {} monitors (user info and query values are no longer stored)", redacted);
                }
                MonitorStore.SyncResult sync = monitors.sync(c, current.monitors(), System.currentTimeMillis());
                new ApiMonitorStore().dropShadowed(c, fileIds());
                for (String id : sync.removed()) {
                    var open = incidents.openFor(c, id);
                    if (open != null) {
                        long now = System.currentTimeMillis();
                        incidents.resolve(c, open.id(), now, "monitor removed");
                        states.clearIncident(c, id);
                        events.publish(c, new MonitorEvent.IncidentResolved(id, open.id(), "monitor removed", now));
                    }
                }
                return sync;
            });
        } catch (SQLException | RuntimeException e) {
            log.warn("could not store the monitors' configuration ({}); will retry when the database is back", e.getMessage());
        }
    }

    private void rememberEras(EraMemory eras) {
        try {
            Map<String, String> stored = db.read(c -> new StateStore(db.dialect()).eras(c));
            stored.forEach((id, era) -> {
                MonitorConfig m = registry.get(id);
                if (m != null) {
                    eras.remember(Prober.memoryKey(m.toProbeSpec()), Era.valueOf(era.toUpperCase(Locale.ROOT)));
                }
            });
        } catch (SQLException | RuntimeException e) {
            log.debug("no remembered protocol eras: {}", e.getMessage());
        }
    }

    private HealthReport health() {
        var store = recorder.health();
        Map<String, Long> byStatus = null;
        try {
            byStatus = db.read(c -> new MonitorStore().countByStatus(c));
        } catch (SQLException | RuntimeException e) {
            // the database is away: the report says so below
        }
        String kind = db.dialect().name().toLowerCase(Locale.ROOT);
        var config = watcher == null ? null : watcher.status();
        // Degraded, too, while the file on disk does not load: the configuration in force is not the one the operator wrote.
        boolean configOk = config == null || config.lastError() == null;
        return new HealthReport(store.writable() && configOk ? "ok" : "degraded", Prober.VERSION, node,
                (System.currentTimeMillis() - startedAt) / 1000, new HealthReport.Database(kind, store, db.freeBytes()),
                new HealthReport.Probing(probing.mode().name().toLowerCase(Locale.ROOT), registry.size(), byStatus,
                        probing.lateness()),
                config);
    }

    private static String nodeName(McpwatchConfig config) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "mcpwatch";
        }
        // Stable across restarts, so a restarted node recognizes (and takes back) what it had picked.
        return host + ":" + config.server().port();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        api.close();
        probing.close();
        alerting.close();
        recorder.flush();
        db.close();
    }
}
