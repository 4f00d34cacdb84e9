package dev.mcpwatch;

import dev.mcpwatch.alert.Alerting;
import dev.mcpwatch.alert.MaintenanceWindow;
import dev.mcpwatch.agent.McpEndpoint;
import dev.mcpwatch.auth.AuthRoutes;
import dev.mcpwatch.auth.ProtectedResourceRoutes;
import dev.mcpwatch.auth.AuthService;
import dev.mcpwatch.canary.Canaries;
import dev.mcpwatch.canary.CanaryRoutes;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.ConfigWatcher;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.dashboard.DashboardRoutes;
import dev.mcpwatch.detect.DetectionRoutes;
import dev.mcpwatch.detect.Detector;
import dev.mcpwatch.metrics.Metrics;
import dev.mcpwatch.metrics.MetricsRoutes;
import dev.mcpwatch.monitor.Health;
import dev.mcpwatch.monitor.HealthRoutes;
import dev.mcpwatch.monitor.IncidentRoutes;
import dev.mcpwatch.monitor.LocationRoutes;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.monitor.MonitorRoutes;
import dev.mcpwatch.monitor.MonitorsInForce;
import dev.mcpwatch.monitor.ProbeAndRecord;
import dev.mcpwatch.monitor.ResultRecorder;
import dev.mcpwatch.monitor.Retention;
import dev.mcpwatch.monitor.Scheduling;
import dev.mcpwatch.oauth.GrantStore;
import dev.mcpwatch.oauth.OAuthClients;
import dev.mcpwatch.oauth.OAuthException;
import dev.mcpwatch.probe.EraMemory;
import dev.mcpwatch.postmortem.PostmortemRoutes;
import dev.mcpwatch.postmortem.Postmortems;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.reliability.ApiSlos;
import dev.mcpwatch.reliability.RecordKeeper;
import dev.mcpwatch.reliability.RecordReader;
import dev.mcpwatch.reliability.ReliabilityRoutes;
import dev.mcpwatch.reliability.SloAlerts;
import dev.mcpwatch.reliability.SloBoard;
import dev.mcpwatch.remediation.Remediator;
import dev.mcpwatch.runbook.RunbookRoutes;
import dev.mcpwatch.runbook.Runbooks;
import dev.mcpwatch.status.StatusPages;
import dev.mcpwatch.status.StatusRoutes;
import dev.mcpwatch.status.StatusUpdateRoutes;
import dev.mcpwatch.status.StatusUpdates;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.OAuthGrantStore;
import dev.mcpwatch.web.ApiDocsRoutes;
import dev.mcpwatch.web.AssetRoutes;
import dev.mcpwatch.web.Routes;
import dev.mcpwatch.web.WebServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mcpwatch serve}, wired by hand in one place: the clock, the database, the incident
 * lifecycle, the monitors in force, the prober and the recorder (with detection judging every
 * probe), scheduling (over the database, or from memory while it is away), alerting (listening to
 * monitor events before anything can produce one), automatic remediation (told of each committed
 * probe), the continuous canaries, the API, the dashboard and status pages, the runbook pages, the
 * reliability record (its page and API, and the keeper that records maintenance, pauses and SLO
 * burns each minute), and the configuration watcher that reloads monitors, alerting, canaries and
 * SLOs without a restart. It wires; the parts decide.
 */
public final class App implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(App.class);

    private final InstantSource clock;
    private final McpwatchConfig initial;
    private final Database db;
    private final MonitorEvents events = new MonitorEvents();
    private final Incidents incidents;
    private final MonitorsInForce monitors;
    private final ResultRecorder recorder;
    private final Scheduling scheduling;
    private final WebServer web;
    private final Alerting alerting;
    private final Canaries canaries;
    private final Remediator remediator;
    private final Metrics metrics;
    private final ConfigWatcher watcher;
    private final RecordKeeper keeper;
    private final SloBoard slos;
    private final ApiSlos apiSlos;
    private AuthService auth;
    private StatusUpdateRoutes statusUpdateApi;
    private volatile McpwatchConfig current;

    private App(McpwatchConfig config, Path source, InstantSource clock) {
        this.clock = clock;
        this.initial = config;
        this.current = config;
        this.db = Database.open(config.storage());
        String node = nodeName(config);
        EraMemory eras = EraMemory.inMemory();
        this.incidents = new Incidents(db, events, clock);
        this.recorder = new ResultRecorder(db, config.server().location(), config.storage().bufferCapacity(), incidents, clock);
        recorder.assessWith(new Detector(db.dialect(), events));
        this.metrics = new Metrics(db, recorder::health);
        recorder.observeWith(metrics);
        Prober prober = new Prober(eras);
        OAuthClients oauth = oauthClients(db, clock);
        ProbeAndRecord runner = new ProbeAndRecord(prober, recorder, config.server().maxConcurrentProbes(), oauth, clock);
        this.monitors = new MonitorsInForce(db, config.monitors(), ConfigLoader::readMonitor, System::getenv, name -> current.web().allowsApiEnv(name), incidents,
                clock);
        this.scheduling = new Scheduling(db, monitors.registry(), runner, new Retention(db, config.storage(), clock), recorder, node,
                config.server().location(), config.server().maxConcurrentProbes(), config.server().pollInterval(), clock);
        this.alerting = Alerting.start(config.alerting(), db, events, monitors.registry(), incidents, node, this::publicUrl,
                this::statusPageOf, clock);
        this.remediator = new Remediator(db, incidents, events, () -> alerting.config().maintenance(), clock);
        recorder.afterCommit(remediator::after);
        events.listen(remediator);
        runner.watchWith(remediator::watched);
        remediator.start();
        scheduling.onLateness(metrics::late);
        scheduling.announceLocationsTo(events);
        monitors.rememberEras(eras);
        monitors.store();
        scheduling.onDatabaseBack(monitors::store);
        monitors.onChange(scheduling::apply);
        this.canaries = new Canaries(db, monitors.registry()::get, m -> m.toProbeSpec(oauth), prober::probe, events, clock);
        loadCanaries(config.canaries());
        this.watcher = source == null ? null : new ConfigWatcher(source, ConfigLoader.fromSystemEnvironment(), this::reload, clock);
        Health health = new Health(db, recorder, scheduling, monitors.registry(), node, clock, () -> watcher == null ? null : watcher.status());
        MonitorRoutes monitorApi = new MonitorRoutes(db, monitors.api(), clock);
        IncidentRoutes incidentApi = new IncidentRoutes(db);
        DetectionRoutes detectionApi = new DetectionRoutes(db, clock);
        List<Routes> routes = new ArrayList<>(List.of(new HealthRoutes(health), new LocationRoutes(db, config.server().location(), clock), monitorApi, incidentApi, detectionApi, alerting.routes(),
                new CanaryRoutes(canaries, clock)));
        Supplier<List<MaintenanceWindow>> maintenance = () -> alerting.config().maintenance();
        // The one list of SLOs in force, for the page, the API, status pages and the burn-rate alerts: the file's and the API's.
        this.apiSlos = new ApiSlos(db, ConfigLoader::readSlo, () -> current.slos(), clock);
        storeSlos();
        this.slos = new SloBoard(db, apiSlos::inForce, maintenance);
        routes.addAll(pages(config));
        ReliabilityRoutes reliabilityApi = new ReliabilityRoutes(new RecordReader(db, maintenance, clock), slos, apiSlos, clock);
        routes.add(reliabilityApi);
        routes.add(new ProtectedResourceRoutes());
        routes.add(McpEndpoint.over(monitorApi, incidentApi, detectionApi, reliabilityApi, incidents, statusUpdateApi));
        routes.add(new MetricsRoutes(metrics.registry(), () -> current.web().metrics()));
        routes.add(new ApiDocsRoutes());
        this.web = WebServer.start(config.server(), routes);
        String code = auth.setupCode();
        if (code != null) {
            log.warn("No password is set. Open http://{}:{}/setup and enter the setup code {} (valid until restart), "
                    + "or run: mcpwatch user set-password", config.server().host(), web.port(), code);
        }
        // Started after the API, so the API answers while thousands of monitors are being scheduled.
        scheduling.start();
        canaries.start();
        this.keeper = RecordKeeper.start(db, maintenance, new SloAlerts(db, slos, events), clock);
        if (watcher != null) {
            watcher.start();
        }
        log.info("mcpwatch {} serving {} monitors; API on http://{}:{}/ ; data in {}", Prober.VERSION, monitors.registry().size(),
                config.server().host(), web.port(), config.storage().url());
    }

    /**
     * The OAuth clients of the monitors with an auth block. Logins of users (authorization_code) are
     * kept in the database, sealed with MCPWATCH_OAUTH_KEY; without the key those monitors are
     * auth-walled with a message saying so, and client-credentials monitors work as ever.
     */
    private static OAuthClients oauthClients(Database db, InstantSource clock) {
        GrantStore grants = null;
        String key = System.getenv("MCPWATCH_OAUTH_KEY");
        if (key != null) {
            try {
                grants = GrantStore.open(new OAuthGrantStore(db), key);
            } catch (OAuthException e) {
                log.warn("OAuth logins cannot be used: {}", e.getMessage());
            }
        }
        return OAuthClients.unattended(clock, grants);
    }

    public static App start(McpwatchConfig config, Path source) {
        return start(config, source, InstantSource.system());
    }

    /** Starts with {@code clock} as the one source of time for everything that decides by it. */
    public static App start(McpwatchConfig config, Path source, InstantSource clock) {
        return new App(config, source, clock);
    }

    public int port() {
        return web.port();
    }

    /** The routes the web server answers, for the API's contract test. */
    public List<WebServer.Endpoint> endpoints() {
        return web.endpoints();
    }

    public Database database() {
        return db;
    }

    public ResultRecorder recorder() {
        return recorder;
    }

    public Scheduling scheduling() {
        return scheduling;
    }

    public Alerting alerting() {
        return alerting;
    }

    public Canaries canaries() {
        return canaries;
    }

    /** The file's canaries joined with the API's; at a reload, known ones keep their stage and their window. */
    private void loadCanaries(List<dev.mcpwatch.canary.CanarySettings> file) {
        try {
            canaries.load(file);
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the canaries: " + db.describeWriteFailure(e), e);
        }
    }

    /** The SLOs in force (the file's and the API's) and where they stand: what the page, the API and the burn-rate alerts read. */
    public SloBoard slos() {
        return slos;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The URL links in alerts start with: server.public_url, else this API's own address. */
    private String publicUrl() {
        String configured = initial.server().publicUrl();
        if (configured != null) {
            return configured;
        }
        return "http://" + initial.server().host() + ":" + (web == null ? initial.server().port() : web.port());
    }

    /** The status page that shows a monitor (the first in the file), for alerts' links; null when none does. */
    private String statusPageOf(String monitorId) {
        return current.web().statusPages().stream().filter(p -> p.monitors().contains(monitorId)).map(p -> p.slug()).findFirst()
                .orElse(null);
    }

    /** The one-time code of the first-run page (also in the log), or null once a password is set. */
    public String setupCode() {
        return auth.setupCode();
    }

    /** Where monitor events are published, inside the transactions that produce them. */
    public MonitorEvents events() {
        return events;
    }

    /**
     * The dashboard, status pages, runbook pages, postmortems and the login, as routes for the web server. The dashboard shows
     * acknowledgements, alerting's deliveries and the drift detector's tool diffs.
     */
    private List<Routes> pages(McpwatchConfig config) {
        this.auth = new AuthService(db, () -> current.web(), clock);
        StatusPages pages = new StatusPages(db, () -> current.web(), () -> alerting.config().maintenance(), slos);
        StatusRoutes status = new StatusRoutes(pages, config.server().publicUrl(), clock);
        StatusUpdates updates = new StatusUpdates(status::invalidate, () -> alerting.config().maintenance(), incidents);
        events.listen(updates);
        Runbooks runbooks = new Runbooks(() -> current.runbooks());
        Postmortems postmortems = new Postmortems(db, clock);
        this.statusUpdateApi = new StatusUpdateRoutes(db, updates, clock);
        return List.of(new AuthRoutes(auth), new AssetRoutes(), status, statusUpdateApi, new RunbookRoutes(runbooks),
                new PostmortemRoutes(postmortems), new DashboardRoutes(db, monitors.api(), updates, incidents,
                        () -> alerting.config().maintenance(), () -> current.web(), runbooks, postmortems, clock));
    }

    /** Applies a reloaded configuration: monitors and alerting take effect at once; server and storage need a restart. */
    synchronized void reload(McpwatchConfig next) {
        // The location may come from serve --location, which a reloaded file does not carry: it is this node's until a restart.
        if (!next.server().withLocation(initial.server().location()).equals(initial.server()) || !next.storage().equals(initial.storage())) {
            log.warn("server and storage settings changed in the configuration; they take effect after a restart");
        }
        current = next;
        alerting.reload(next.alerting());
        monitors.reload(next.monitors());
        try {
            canaries.load(next.canaries());
        } catch (SQLException e) {
            log.warn("the canaries were not reloaded: {}", db.describeWriteFailure(e));
        }
        storeSlos();
    }

    /** The file takes over the ids of API SLOs it now defines; a database away now tries again at the next reload. */
    private void storeSlos() {
        try {
            apiSlos.dropShadowed();
        } catch (SQLException e) {
            log.warn("the SLOs added through the API were not checked against the file: {}", db.describeWriteFailure(e));
        }
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
        web.close();
        canaries.close();
        keeper.close();
        scheduling.close();
        remediator.close();
        alerting.close();
        recorder.flush();
        db.close();
    }
}
