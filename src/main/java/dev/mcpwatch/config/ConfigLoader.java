package dev.mcpwatch.config;

import dev.mcpwatch.alert.AlertingConfig;
import dev.mcpwatch.oauth.OAuthSettings;
import dev.mcpwatch.probe.Era;
import dev.mcpwatch.probe.Transport;
import dev.mcpwatch.probe.Urls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads mcpwatch's YAML configuration — one file, or every {@code .yaml}/{@code .yml} file of a
 * folder — substitutes {@code ${ENV}} references, applies {@code defaults} to every monitor and
 * checks everything. Any problem, anywhere, fails the whole load with a message per problem that
 * names the file, the path and what is wrong.
 */
public final class ConfigLoader {
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
    /** A monitor is probed at least once a day: a longer interval is a mistake, not a monitor. */
    public static final Duration MAX_INTERVAL = Duration.ofHours(24);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static final Set<String> TOP = union(Set.of("server", "storage", "defaults", "monitors", "alerting"), WebSettingsReader.TOP);
    private static final Set<String> SERVER = Set.of("host", "port", "public_url", "location", "max_concurrent_probes");
    private static final Set<String> STORAGE = Set.of("url", "username", "password", "raw_retention", "rollup_retention",
            "minute_rollup_retention", "buffer");
    private static final Set<String> MONITOR_SETTINGS = Set.of("transport", "protocol", "headers", "interval", "timeout",
            "initialize_timeout", "retry_interval", "thresholds", "expect", "tags", "runbook_url", "locations", "tls", "env", "cwd", "paused",
            "detection", "allow_insecure_redirect");
    private static final Set<String> MONITOR = union(MONITOR_SETTINGS, Set.of("id", "name", "url", "command", "auth"));
    private static final Set<String> THRESHOLDS = Set.of("failure", "success");
    private static final Set<String> EXPECT = Set.of("min_tools", "tools", "call", "calls");
    private static final Set<String> CALL = Set.of("tool", "arguments", "contains", "input_responses");
    private static final Set<String> TLS = Set.of("ca_file");

    private final Function<String, String> env;

    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    public static ConfigLoader fromSystemEnvironment() {
        return new ConfigLoader(System::getenv);
    }

    /** Loads a file, or every YAML file of a folder in name order. */
    public McpwatchConfig load(Path fileOrFolder) throws ConfigException {
        Documents documents = new Documents();
        for (Path file : files(fileOrFolder)) {
            String name = fileOrFolder.equals(file) ? file.toString() : fileOrFolder.relativize(file).toString();
            documents.add(name, parse(file, name, documents.unresolved, documents.problems));
        }
        return documents.config(fileOrFolder.toString());
    }

    /** Loads YAML text, as if it were one file called {@code name}. */
    public McpwatchConfig loadText(String yaml, String name) throws ConfigException {
        Documents documents = new Documents();
        try {
            documents.add(name, substitute(YAML.readTree(yaml), name, "", documents.unresolved));
        } catch (JacksonException e) {
            throw new ConfigException(List.of(new Problem(name, null, "is not valid YAML: " + e.getOriginalMessage())));
        }
        return documents.config(null);
    }

    /**
     * The parsed documents of one configuration, gathered section by section: server, storage,
     * defaults, alerting and web may each come from one document only; monitors and status pages
     * from any number of them.
     */
    private final class Documents {
        final List<Problem> unresolved = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();
        private final Map<String, JsonNode> sections = new HashMap<>();
        private final Map<String, String> sectionFile = new HashMap<>();
        private final List<Map.Entry<String, JsonNode>> monitors = new ArrayList<>();
        private final Map<String, JsonNode> statusPages = new LinkedHashMap<>();

        void add(String name, JsonNode doc) {
            if (doc == null) {
                return;
            }
            Node.Problems p = new Node.Problems(name);
            Node root = new Node(doc, "", p);
            if (!root.isMissing() && !doc.isObject()) {
                p.add("", "must be a mapping with server, storage, defaults and monitors, got " + Node.kind(doc));
            }
            root.allowOnly(TOP);
            problems.addAll(p.list());
            for (String section : List.of("server", "storage", "defaults", "alerting", "web")) {
                if (root.has(section)) {
                    if (sections.containsKey(section)) {
                        problems.add(new Problem(name, section, "is also defined in " + sectionFile.get(section) + "; define it once"));
                    } else {
                        sections.put(section, doc.get(section));
                        sectionFile.put(section, name);
                    }
                }
            }
            if (doc.isObject() && doc.has("monitors")) {
                monitors.add(Map.entry(name, doc.get("monitors")));
            }
            if (doc.isObject() && doc.has("status_pages")) {
                statusPages.put(name, doc.get("status_pages"));
            }
        }

        McpwatchConfig config(String source) throws ConfigException {
            McpwatchConfig config = build(sections, sectionFile, monitors, problems)
                    .withWeb(WebSettingsReader.read(sections.get("web"), sectionFile.get("web"), statusPages, problems));
            if (!unresolved.isEmpty() || !problems.isEmpty()) {
                throw new ConfigException(withoutEchoes(unresolved, problems));
            }
            return new McpwatchConfig(config.server(), config.storage(), config.monitors(), source, config.alerting(), config.web());
        }
    }

    private McpwatchConfig build(Map<String, JsonNode> sections, Map<String, String> sectionFile,
            List<Map.Entry<String, JsonNode>> monitorLists, List<Problem> problems) {
        ServerSettings server = server(sections.get("server"), sectionFile.get("server"), problems);
        StorageSettings storage = storage(sections.get("storage"), sectionFile.get("storage"), problems);
        Node.Problems dp = new Node.Problems(sectionFile.get("defaults"));
        Node defaultsNode = new Node(sections.get("defaults"), "defaults", dp);
        defaultsNode.requireObject();
        defaultsNode.allowOnly(MONITOR_SETTINGS);
        MonitorConfig defaults = monitorSettings(defaultsNode, builtInDefaults(), null, null);
        problems.addAll(dp.list());

        List<MonitorConfig> monitors = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> list : monitorLists) {
            Node.Problems mp = new Node.Problems(list.getKey());
            Node root = new Node(list.getValue(), "monitors", mp);
            if (!root.isMissing() && !list.getValue().isArray()) {
                root.problem("must be a list of monitors, got " + Node.kind(list.getValue()));
            }
            for (Node m : root.items()) {
                MonitorConfig monitor = monitor(m, defaults);
                if (monitor != null && monitor.id() != null) {
                    String where = list.getKey() + " " + m.path();
                    if (seen.containsKey(monitor.id())) {
                        m.get("id").problem("duplicate monitor id '" + monitor.id() + "' (also at " + seen.get(monitor.id()) + ")");
                    } else {
                        seen.put(monitor.id(), where);
                        monitors.add(monitor);
                    }
                }
            }
            problems.addAll(mp.list());
        }
        Node.Problems ap = new Node.Problems(sectionFile.get("alerting"));
        AlertingConfig alerting = AlertingConfig.read(new Section(new Node(sections.get("alerting"), "alerting", ap)), seen.keySet());
        problems.addAll(ap.list());
        return new McpwatchConfig(server, storage, monitors, null, alerting);
    }

    private static ServerSettings server(JsonNode json, String file, List<Problem> problems) {
        Node.Problems p = new Node.Problems(file);
        Node n = new Node(json, "server", p);
        n.requireObject();
        n.allowOnly(SERVER);
        ServerSettings d = ServerSettings.DEFAULT;
        String publicUrl = n.string("public_url", null);
        if (publicUrl != null && !isHttpUrl(publicUrl)) {
            n.get("public_url").problem("must be an http(s) URL, got '" + publicUrl + "'");
        }
        ServerSettings s = new ServerSettings(n.string("host", d.host()), n.integer("port", d.port(), 0, 65535), publicUrl,
                n.string("location", d.location()), n.integer("max_concurrent_probes", d.maxConcurrentProbes(), 1, 100_000));
        problems.addAll(p.list());
        return s;
    }

    private static StorageSettings storage(JsonNode json, String file, List<Problem> problems) {
        Node.Problems p = new Node.Problems(file);
        Node n = new Node(json, "storage", p);
        n.requireObject();
        n.allowOnly(STORAGE);
        StorageSettings d = StorageSettings.DEFAULT;
        String url = n.string("url", d.url());
        if (!url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
            n.get("url").problem("must be a jdbc:sqlite: or jdbc:postgresql: URL, got '" + url + "'");
        }
        Duration raw = n.duration("raw_retention", d.rawRetention());
        Duration rollups = n.duration("rollup_retention", d.rollupRetention());
        if (raw.compareTo(Duration.ofHours(1)) < 0) {
            n.get("raw_retention").problem("must be at least 1h, got " + raw);
        }
        if (rollups.compareTo(Duration.ofDays(1)) < 0) {
            n.get("rollup_retention").problem("must be at least 1d, got " + rollups);
        }
        Duration minutes = n.duration("minute_rollup_retention", rollups);
        if (minutes.compareTo(Duration.ofHours(1)) < 0 || minutes.compareTo(rollups) > 0) {
            n.get("minute_rollup_retention").problem("must be at least 1h and at most rollup_retention (" + rollups + "), got " + minutes);
        }
        StorageSettings s = new StorageSettings(url, n.string("username", null), n.string("password", null), raw, rollups,
                n.integer("buffer", d.bufferCapacity(), 100, 10_000_000), minutes);
        problems.addAll(p.list());
        return s;
    }

    private static MonitorConfig builtInDefaults() {
        return new MonitorConfig(null, null, Transport.STREAMABLE_HTTP, null, List.of(), Map.of(), null, null, Map.of(),
                Duration.ofSeconds(60), null, Duration.ofSeconds(10), Duration.ofSeconds(10), 3, 2, 1,
                List.of(), null, List.of(), null, List.of(), List.of(), false, List.of(), DetectionSettings.DEFAULT, null, false);
    }

    private MonitorConfig monitor(Node m, MonitorConfig defaults) {
        if (!m.requireObject()) {
            if (m.isMissing()) {
                m.problem("is empty; a monitor needs at least an id and a url");
            }
            return null;
        }
        m.allowOnly(MONITOR);
        String id = m.requiredString("id");
        if (id != null && !ID.matcher(id).matches()) {
            m.get("id").problem("must be lower-case letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit; got '" + id + "'");
            id = null;
        }
        return monitorSettings(m, defaults, id, m.string("name", id));
    }

    /** Reads the settings a monitor and the defaults share, falling back to {@code base}. */
    private MonitorConfig monitorSettings(Node n, MonitorConfig base, String id, String name) {
        boolean isMonitor = id != null || n.has("id");
        Transport transport = base.transport();
        String transportName = n.string("transport", null);
        if (transportName != null) {
            try {
                transport = Transport.fromWireName(transportName);
            } catch (IllegalArgumentException e) {
                n.get("transport").problem(e.getMessage());
            }
        }
        String url = n.string("url", null);
        List<String> command = n.strings("command", List.of());
        if (isMonitor) {
            if (transport == Transport.STDIO) {
                if (command.isEmpty()) {
                    n.get("command").problem("is required for the stdio transport (a list: [program, arg, …])");
                }
                if (url != null) {
                    n.get("url").problem("is not used with the stdio transport; give a command instead");
                }
            } else if (url == null) {
                n.get("url").problem("is required (the MCP endpoint, e.g. https://example.com/mcp)");
            } else if (!isHttpUrl(url)) {
                n.get("url").problem("must be an http:// or https:// URL with a host, got '" + Urls.redact(url) + "'");
            } else if (URI.create(url).getPort() == 0 || URI.create(url).getPort() > 65535) {
                n.get("url").problem("has port " + URI.create(url).getPort() + "; a port is 1 to 65535 (or left out for the scheme's own)");
            }
        }
        String protocol = n.string("protocol", base.protocol());
        if ("auto".equals(protocol)) {
            protocol = null;
        } else if (protocol != null && Era.ofRevision(protocol) == null) {
            n.get("protocol").problem("must be auto or a known revision (" + String.join(", ", Era.MODERN_REVISIONS) + ", "
                    + String.join(", ", Era.LEGACY_REVISIONS) + "), got '" + protocol + "'");
            protocol = null;
        }
        Map<String, String> headers = new LinkedHashMap<>(base.headers());
        headers.putAll(n.stringMap("headers"));
        for (String h : headers.keySet()) {
            if (!h.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                n.get("headers").get(h).problem("is not a valid HTTP header name");
            }
        }
        Duration interval = n.duration("interval", base.interval());
        // An unset timeout follows the interval (at most 30 s, at most half the interval), so that
        // setting only a short interval is enough.
        Duration timeout = n.duration("timeout", base.timeout());
        boolean timeoutSet = timeout != null;
        if (!timeoutSet && isMonitor) {
            timeout = min(DEFAULT_TIMEOUT, interval.dividedBy(2));
        }
        Duration initTimeout = n.duration("initialize_timeout", base.initializeTimeout());
        Duration retry = n.duration("retry_interval", base.retryInterval());
        // A value that could not be read stands in as its fallback; comparing with it would invent a second mistake.
        boolean bothRead = !n.get("interval").hasProblem() && !n.get("timeout").hasProblem();
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            n.get("interval").problem("must be at least " + MIN_INTERVAL.toSeconds() + "s, got " + pretty(interval));
        } else if (interval.compareTo(MAX_INTERVAL) > 0) {
            n.get("interval").problem("must be at most 24h, got " + pretty(interval));
        }
        if (retry.compareTo(MAX_INTERVAL) > 0) {
            n.get("retry_interval").problem("must be at most 24h, got " + pretty(retry));
        }
        if (timeoutSet && bothRead && (timeout.isZero() || (isMonitor && timeout.compareTo(interval) >= 0))) {
            n.get("timeout").problem("must be more than 0 and shorter than the interval (" + pretty(interval) + "), got " + pretty(timeout)
                    + (n.has("timeout") ? "" : " (inherited; set a shorter timeout here or in defaults)"));
        }
        if (initTimeout.isZero()) {
            n.get("initialize_timeout").problem("must be more than 0");
        }
        if (retry.compareTo(Duration.ofSeconds(1)) < 0) {
            n.get("retry_interval").problem("must be at least 1s, got " + pretty(retry));
        }
        Node thresholds = n.get("thresholds");
        thresholds.requireObject();
        thresholds.allowOnly(THRESHOLDS);
        int failure = thresholds.integer("failure", base.failureThreshold(), 1, 100);
        int success = thresholds.integer("success", base.successThreshold(), 1, 100);

        Node expect = n.get("expect");
        expect.requireObject();
        expect.allowOnly(EXPECT);
        int minTools = expect.integer("min_tools", base.minTools(), 0, 100_000);
        List<String> tools = expect.strings("tools", base.requiredTools());
        List<MonitorConfig.ToolCallConfig> calls = base.calls();
        if (expect.has("call") && expect.has("calls")) {
            expect.get("calls").problem("give either call (one tool) or calls (a list), not both");
        } else if (expect.has("call")) {
            MonitorConfig.ToolCallConfig call = toolCall(expect.get("call"));
            calls = call == null ? List.of() : List.of(call);
        } else if (expect.has("calls")) {
            List<MonitorConfig.ToolCallConfig> list = new ArrayList<>();
            Map<String, String> seenTools = new HashMap<>();
            for (Node item : expect.list("calls")) {
                MonitorConfig.ToolCallConfig call = toolCall(item);
                if (call != null && seenTools.putIfAbsent(call.tool(), item.path()) != null) {
                    item.get("tool").problem("tool '" + call.tool() + "' is already called at " + seenTools.get(call.tool()));
                } else if (call != null) {
                    list.add(call);
                }
            }
            calls = list;
        }
        DetectionSettings detection = DetectionSettings.read(n.get("detection"), base.detection());

        List<String> tags = n.strings("tags", base.tags());
        String runbook = n.string("runbook_url", base.runbookUrl());
        if (runbook != null && !isHttpUrl(runbook)) {
            n.get("runbook_url").problem("must be an http(s) URL, got '" + runbook + "'");
        }
        List<String> locations = n.strings("locations", base.locations());
        Map<String, String> stdioEnv = new LinkedHashMap<>(base.env());
        stdioEnv.putAll(n.stringMap("env"));
        String cwd = n.string("cwd", base.cwd());
        List<X509Certificate> trust = base.trustedCertificates();
        Node tls = n.get("tls");
        if (tls.requireObject()) {
            tls.allowOnly(TLS);
            String caFile = tls.string("ca_file", null);
            if (caFile != null) {
                trust = certificates(Path.of(caFile), tls.get("ca_file"));
            }
        }
        boolean paused = n.bool("paused", base.paused());
        OAuthSettings oauth = OAuthSettingsReader.read(n.get("auth"), transport);
        if (oauth != null && headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Authorization"))) {
            n.get("auth").problem("and an Authorization header both set credentials; keep one");
        }
        boolean insecureRedirect = n.bool("allow_insecure_redirect", base.allowInsecureRedirect());
        return new MonitorConfig(id, name, transport, url, command, stdioEnv, cwd, protocol, headers, interval, timeout,
                initTimeout, retry, failure, success, minTools, tools, null, tags, runbook, locations, trust, paused, calls, detection,
                oauth, insecureRedirect);
    }

    /** One health-check call: a mapping with tool, arguments, contains and input_responses. */
    private static MonitorConfig.ToolCallConfig toolCall(Node callNode) {
        if (!callNode.requireObject()) {
            return null;
        }
        callNode.allowOnly(CALL);
        String tool = callNode.requiredString("tool");
        JsonNode args = callNode.get("arguments").raw();
        if (args != null && !args.isObject()) {
            callNode.get("arguments").problem("must be a mapping of argument names to values, got " + Node.kind(args));
            args = null;
        }
        JsonNode answers = callNode.get("input_responses").raw();
        if (answers != null && !answers.isObject()) {
            callNode.get("input_responses").problem("must be a mapping from the server's input request keys to answers "
                    + "(e.g. confirm: {action: accept, content: {confirmed: true}}), got " + Node.kind(answers));
            answers = null;
        } else if (answers != null) {
            for (var e : answers.properties()) {
                if (!e.getValue().isObject()) {
                    callNode.get("input_responses").get(e.getKey()).problem("must be a mapping (the answer the server asked for), got "
                            + Node.kind(e.getValue()));
                }
            }
        }
        return tool == null ? null : new MonitorConfig.ToolCallConfig(tool, args, callNode.string("contains", null), answers);
    }

    private static List<X509Certificate> certificates(Path pem, Node where) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                where.problem("no certificates in " + pem);
            }
            return out;
        } catch (IOException e) {
            where.problem("cannot read " + pem + ": " + e.getMessage());
        } catch (CertificateException e) {
            where.problem(pem + " is not a PEM certificate file: " + e.getMessage());
        }
        return List.of();
    }

    private JsonNode parse(Path file, String name, List<Problem> unresolved, List<Problem> problems) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            problems.add(new Problem(name, null, "cannot be read: " + e.getMessage()));
            return null;
        }
        try {
            return substitute(YAML.readTree(text), name, "", unresolved);
        } catch (JacksonException e) {
            problems.add(new Problem(name, null, "is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
            return null;
        }
    }

    /**
     * A value whose {@code ${VAR}} is unset is reported once, as such: whatever else its raw text fails
     * (not a URL, not a duration) is an echo of that one mistake and would only mislead.
     */
    private static List<Problem> withoutEchoes(List<Problem> unresolved, List<Problem> problems) {
        Set<List<String>> places = new HashSet<>();
        unresolved.forEach(p -> places.add(Arrays.asList(p.file(), p.path())));
        List<Problem> out = new ArrayList<>(unresolved);
        problems.stream().filter(p -> !places.contains(Arrays.asList(p.file(), p.path()))).forEach(out::add);
        return out;
    }

    /** Replaces {@code ${VAR}} in every text value; a missing variable is a problem at that path. */
    private JsonNode substitute(JsonNode node, String file, String path, List<Problem> problems) {
        if (node == null) {
            return null;
        }
        if (node.isString()) {
            String key = path.substring(path.lastIndexOf('.') + 1);
            if (path.contains(".auth.") && OAuthSettingsReader.SECRETS.contains(key) && !node.stringValue().contains("${")) {
                problems.add(new Problem(file, path, "must come from the environment, e.g. ${MCP_CLIENT_SECRET}; a secret is never "
                        + "written in the configuration (the value is not shown)"));
                return node;
            }
            try {
                return StringNode.valueOf(EnvSubstitution.apply(node.stringValue(), env));
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(file, path, e.getMessage()));
                return node;
            }
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                copy.set(e.getKey(), substitute(e.getValue(), file, path.isEmpty() ? e.getKey() : path + "." + e.getKey(), problems));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            int i = 0;
            for (JsonNode item : node) {
                copy.add(substitute(item, file, path + "[" + i++ + "]", problems));
            }
            return copy;
        }
        return node;
    }

    private static List<Path> files(Path fileOrFolder) throws ConfigException {
        if (Files.isRegularFile(fileOrFolder)) {
            return List.of(fileOrFolder);
        }
        if (!Files.isDirectory(fileOrFolder)) {
            throw new ConfigException(List.of(new Problem(fileOrFolder.toString(), null, "does not exist")));
        }
        try (Stream<Path> s = Files.list(fileOrFolder)) {
            List<Path> files = s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")))
                    .sorted().toList();
            if (files.isEmpty()) {
                throw new ConfigException(List.of(new Problem(fileOrFolder.toString(), null, "has no .yaml or .yml files")));
            }
            return files;
        } catch (IOException e) {
            throw new ConfigException(List.of(new Problem(fileOrFolder.toString(), null, "cannot be listed: " + e.getMessage())));
        }
    }

    static boolean isHttpUrl(String s) {
        try {
            URI u = URI.create(s);
            return (u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https")))
                    && u.getHost() != null && !u.getHost().isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static String pretty(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 != 0 ? ms + "ms" : ms % 60_000 != 0 ? ms / 1000 + "s" : ms / 60_000 + "m";
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }
}
