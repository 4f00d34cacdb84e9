package dev.mcpwatch.monitor;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.EnvReferences;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.MonitorReader;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Transport;
import dev.mcpwatch.store.ApiMonitorStore;
import dev.mcpwatch.store.Database;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Monitors added, edited, paused and deleted from the dashboard or the API. A definition has the
 * configuration file's shape and goes through the same loader, so it is checked exactly like a file
 * monitor. Three rules keep the web from reaching what the file may: no stdio (a web form must not
 * start programs on this machine); {@code ${ENV}} only as a header value — {@code ${NAME}} or
 * {@code Scheme ${NAME}} — so a secret never sits in the database and no field can be used to read
 * the server's environment onto a page; and only variables the file allows ({@code
 * web.api_env_allow}, none by default), because an API user picks where the headers go and the
 * environment also holds mcpwatch's own secrets. References resolve whenever the monitors are
 * (re)loaded, so removing a name from the allowed list stops the monitors that use it.
 */
public final class ApiMonitors {
    private static final Logger log = LoggerFactory.getLogger(ApiMonitors.class);
    static final Pattern HEADER_VALUE = Pattern.compile("(?:[A-Za-z][A-Za-z0-9-]* )?\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** A definition that will not do, with one sentence per problem. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient List<String> problems;

        public Invalid(List<String> problems) {
            super(String.join("; ", problems), null, false, false);
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private final Database db;
    private final MonitorReader reader;
    private final Function<String, String> env;
    private final Predicate<String> envAllowed;
    private final Supplier<Set<String>> fileIds;
    private final Incidents incidents;
    private final InstantSource clock;
    private final ApiMonitorStore store = new ApiMonitorStore();
    private volatile Runnable changed = () -> { };

    /** {@code envAllowed} says whether the configuration file lets such monitors read a variable ({@code web.api_env_allow}). */
    ApiMonitors(Database db, MonitorReader reader, Function<String, String> env, Predicate<String> envAllowed, Supplier<Set<String>> fileIds, Incidents incidents,
            InstantSource clock) {
        this.db = db;
        this.reader = reader;
        this.env = env;
        this.envAllowed = envAllowed;
        this.fileIds = fileIds;
        this.incidents = incidents;
        this.clock = clock;
    }

    /** Runs after every change (the monitors in force are replaced). */
    void onChange(Runnable action) {
        this.changed = action;
    }

    /** Every stored definition that loads; one that no longer does (an unset variable) is skipped and logged. */
    List<MonitorConfig> load() throws SQLException {
        List<MonitorConfig> out = new ArrayList<>();
        Set<String> file = fileIds.get();
        for (Map.Entry<String, String> d : db.read(store::definitions).entrySet()) {
            if (file.contains(d.getKey())) {
                continue;
            }
            try {
                out.add(parse(Json.MAPPER.readTree(d.getValue())));
            } catch (Invalid e) {
                log.warn("monitor '{}' (added from the dashboard) cannot be loaded and is not probed: {}", d.getKey(), e.getMessage());
            }
        }
        return out;
    }

    /** The stored definition of an API monitor, or null. */
    public ObjectNode definition(String id) throws SQLException {
        String json = db.read(c -> store.definition(c, id));
        return json == null ? null : (ObjectNode) Json.MAPPER.readTree(json);
    }

    /** Creates ({@code create}) or replaces an API monitor. */
    public MonitorConfig save(ObjectNode definition, boolean create) throws Invalid, SQLException {
        String id = definition.path("id").asString("");
        if (fileIds.get().contains(id)) {
            throw new Invalid(List.of("monitor '" + id + "' is defined in the configuration file; change it there"));
        }
        String owner = db.read(c -> store.owner(c, id));
        if (create && owner != null) {
            throw new Invalid(List.of("a monitor with id '" + id + "' already exists"));
        }
        if (!create && !"api".equals(owner)) {
            throw new Invalid(List.of("no monitor '" + id + "' added from the dashboard or the API"));
        }
        MonitorConfig m = parse(definition);
        long now = clock.millis();
        db.transaction(c -> {
            store.save(c, m, definition.toString(), now);
            return null;
        });
        changed.run();
        return m;
    }

    public void setPaused(String id, boolean paused) throws Invalid, SQLException {
        ObjectNode d = requireOwned(id);
        d.put("paused", paused);
        save(d, false);
    }

    /** Deletes an API monitor: it stops being probed, keeps its history, and its open incident resolves. */
    public void delete(String id) throws Invalid, SQLException {
        requireOwned(id);
        long now = clock.millis();
        db.transaction(c -> {
            store.delete(c, id, now);
            incidents.resolveRemoved(c, id);
            return null;
        });
        changed.run();
    }

    private ObjectNode requireOwned(String id) throws Invalid, SQLException {
        ObjectNode d = fileIds.get().contains(id) ? null : definition(id);
        if (d == null) {
            throw new Invalid(List.of(fileIds.get().contains(id)
                    ? "monitor '" + id + "' is defined in the configuration file; change it there"
                    : "no monitor '" + id + "' added from the dashboard or the API"));
        }
        return d;
    }

    /** Checks a definition by the web's rules and then exactly as the configuration file would be. */
    MonitorConfig parse(JsonNode definition) throws Invalid {
        List<String> problems = new ArrayList<>();
        if (!definition.isObject()) {
            throw new Invalid(List.of("a monitor must be a JSON object"));
        }
        if (Transport.STDIO.wireName().equals(definition.path("transport").asString(""))
                || definition.has("command") || definition.has("env") || definition.has("cwd")) {
            problems.add("transport: stdio monitors (commands) can only be defined in the configuration file");
        }
        if (definition.has("remediation")) {
            // A remediation runs a program or sends a request on its own: like stdio commands, only the file may say so.
            problems.add("remediation: automatic remediation can only be defined in the configuration file");
        }
        if (definition.has("tls")) {
            problems.add("tls: CA files can only be named in the configuration file");
        }
        if (definition.has("auth")) {
            // Its secrets come from the server's environment and it is sent to an authorization server the
            // monitored server names: only the file's author may decide that.
            problems.add("auth: OAuth settings can only be defined in the configuration file");
        }
        for (Map.Entry<String, JsonNode> h : definition.path("headers").properties()) {
            Matcher value = HEADER_VALUE.matcher(h.getValue().asString(""));
            if (!value.matches()) {
                problems.add("headers." + h.getKey() + ": must be an environment variable reference like ${MCP_TOKEN} or Bearer ${MCP_TOKEN};"
                        + " secrets are not stored");
            } else if (!envAllowed.test(value.group(1))) {
                problems.add("headers." + h.getKey() + ": environment variable " + value.group(1) + " is not allowed; monitors added from "
                        + "the dashboard or the API may reference only the variables the configuration file lists in web.api_env_allow");
            }
        }
        // Any ${…} outside header values is refused: it would read the server's environment into a page.
        EnvReferences.refuse(definition, Set.of("headers"), "environment variable references are only allowed in header values", problems);
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        try {
            // Only allowed variables resolve, whatever else the definition holds.
            Function<String, String> allowed = name -> envAllowed.test(name) ? env.apply(name) : null;
            return reader.read(definition, allowed);
        } catch (ConfigException e) {
            throw new Invalid(e.problems().stream().map(ApiMonitors::sentence).toList());
        }
    }

    private static String sentence(Problem p) {
        String path = p.path() == null ? "" : p.path().replaceFirst("^monitors\\[0]\\.?", "");
        return path.isEmpty() ? p.message() : path + ": " + p.message();
    }
}
