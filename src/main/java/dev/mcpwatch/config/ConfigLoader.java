package dev.mcpwatch.config;

import dev.mcpwatch.alert.AlertingConfig;
import dev.mcpwatch.detect.Rules;
import dev.mcpwatch.probe.Transport;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
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
 * folder — in four steps: {@code ${ENV}} references are replaced; each file is checked against
 * {@link ConfigSchema}; the checked values are bound into records, {@code defaults} under every
 * monitor; and what a schema cannot say is checked by hand (a section written in two files, a
 * duplicate id, a timeout not shorter than its interval, a route naming an unknown channel). Any
 * problem, anywhere, fails the whole load with a message per problem that names the file, the path
 * and what is wrong.
 */
public final class ConfigLoader {
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** Sections written once across a folder; monitors and status pages add up. */
    private static final List<String> ONCE = List.of("server", "storage", "defaults", "alerting", "web");

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
            documents.add(name, parse(file, name, documents.problems));
        }
        return documents.config(fileOrFolder.toString());
    }

    /** Loads YAML text, as if it were one file called {@code name}. */
    public McpwatchConfig loadText(String yaml, String name) throws ConfigException {
        Documents documents = new Documents();
        try {
            documents.add(name, YAML.readTree(yaml));
        } catch (JacksonException e) {
            throw new ConfigException(List.of(new Problem(name, null, "is not valid YAML: " + e.getOriginalMessage())));
        }
        return documents.config(null);
    }

    /** The documents of one configuration, gathered section by section. */
    private final class Documents {
        final Problems problems = new Problems();
        /** Each file as written, in load order: where its problems sort. */
        private final Map<String, JsonNode> written = new LinkedHashMap<>();
        private final Map<String, Section> once = new HashMap<>();
        private final List<Section> monitorLists = new ArrayList<>();
        private final List<Section> pageLists = new ArrayList<>();

        void add(String name, JsonNode parsed) {
            written.put(name, parsed);
            if (parsed == null || parsed.isMissingNode() || parsed.isNull()) {
                return;
            }
            // Unset variables are reported first: what else their value would fail is an echo of that one mistake.
            JsonNode doc = substitute(parsed, name, "");
            SchemaCheck.check(doc, name, problems);
            if (!doc.isObject()) {
                return;
            }
            for (String section : ONCE) {
                if (doc.has(section)) {
                    Section earlier = once.putIfAbsent(section, new Section(problems, name, section, doc.get(section)));
                    if (earlier != null) {
                        problems.add(name, section, "is also defined in " + earlier.file() + "; define it once");
                    }
                }
            }
            if (doc.has("monitors")) {
                monitorLists.add(new Section(problems, name, "monitors", doc.get("monitors")));
            }
            if (doc.has("status_pages")) {
                pageLists.add(new Section(problems, name, "status_pages", doc.get("status_pages")));
            }
        }

        /**
         * A copy with {@code ${VAR}} replaced in every text value. A value whose variable is unset is
         * reported as such and left out, so that nothing checks the raw reference as if it were the value.
         */
        private JsonNode substitute(JsonNode node, String file, String path) {
            if (node.isString()) {
                try {
                    return StringNode.valueOf(EnvSubstitution.apply(node.stringValue(), env));
                } catch (IllegalArgumentException e) {
                    problems.add(file, path, e.getMessage());
                    return null;
                }
            }
            if (node.isObject()) {
                ObjectNode copy = ((ObjectNode) node).objectNode();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    JsonNode value = substitute(e.getValue(), file, path.isEmpty() ? e.getKey() : path + "." + e.getKey());
                    if (value != null) {
                        copy.set(e.getKey(), value);
                    }
                }
                return copy;
            }
            if (node.isArray()) {
                ArrayNode copy = ((ArrayNode) node).arrayNode();
                int i = 0;
                for (JsonNode item : node) {
                    JsonNode value = substitute(item, file, path + "[" + i++ + "]");
                    copy.add(value == null ? copy.nullNode() : value);
                }
                return copy;
            }
            return node;
        }

        Section section(String name) {
            return once.getOrDefault(name, new Section(problems, null, name, null));
        }

        McpwatchConfig config(String source) throws ConfigException {
            ServerSettings server = ServerSettings.BLOCK.read(section("server"), ServerSettings.DEFAULT);
            StorageSettings storage = StorageSettings.read(section("storage"));
            Monitors monitors = new Monitors(section("defaults"));
            Map<String, String> seen = new LinkedHashMap<>();
            List<MonitorConfig> list = new ArrayList<>();
            for (Section monitorList : monitorLists) {
                for (Section m : monitorList.items()) {
                    MonitorConfig monitor = monitors.monitor(m);
                    if (monitor == null) {
                        continue;
                    }
                    String where = m.file() + " " + m.path();
                    String earlier = seen.putIfAbsent(monitor.id(), where);
                    if (earlier != null) {
                        m.at("id").problem("duplicate monitor id '" + monitor.id() + "' (also at " + earlier + ")");
                    } else {
                        list.add(monitor);
                    }
                }
            }
            AlertingConfig alerting = AlertingConfig.read(section("alerting"), seen.keySet());
            WebSettings web = WebSettings.BLOCK.read(section("web"), WebSettings.DEFAULT).withStatusPages(statusPages());
            if (!problems.isEmpty()) {
                throw new ConfigException(problems.inFileOrder(List.copyOf(written.keySet()), written));
            }
            return new McpwatchConfig(server, storage, list, source, alerting, web);
        }

        /**
         * A status page may name monitors the file does not define: they may be monitors added from
         * the dashboard, which a configuration check cannot see; the page shows only monitors that exist.
         */
        private List<WebSettings.StatusPageConfig> statusPages() {
            List<WebSettings.StatusPageConfig> pages = new ArrayList<>();
            Map<String, String> seen = new HashMap<>();
            for (Section pageList : pageLists) {
                for (Section at : pageList.items()) {
                    WebSettings.StatusPageConfig page = at.bind(WebSettings.StatusPageConfig.class);
                    if (page == null || page.slug() == null) {
                        continue;
                    }
                    String earlier = seen.putIfAbsent(page.slug(), at.file());
                    if (earlier != null) {
                        at.at("slug").problem("duplicate status page '" + page.slug() + "' (also in " + earlier + ")");
                    } else if (!page.monitors().isEmpty()) {
                        pages.add(page.title() != null ? page
                                : new WebSettings.StatusPageConfig(page.slug(), page.slug(), page.description(), page.monitors()));
                    }
                }
            }
            return pages;
        }
    }

    /**
     * Monitors over {@code defaults:}, which are checked once where they are written; a monitor's
     * own checks name only what it wrote itself, and what it inherits when a rule joins the two
     * (a timeout from the defaults that is not shorter than this monitor's interval).
     */
    private static final class Monitors {
        private final JsonNode defaults;
        private final DetectionSettings detection;
        private final List<X509Certificate> trust;

        Monitors(Section at) {
            JsonNode written = at.isMissing() ? null : without(at.value(), "detection");
            this.defaults = Binding.merge(Binding.tree(MonitorSettings.BUILT_IN), written);
            this.detection = detection(at.at("detection"), DetectionSettings.DEFAULT);
            MonitorSettings s = at.isMissing() ? MonitorSettings.BUILT_IN : Binding.read(defaults, MonitorSettings.class, at);
            this.trust = s == null || s.tls().caFile() == null ? List.of() : certificates(s.tls().caFile(), at.at("tls").at("ca_file"));
            if (s != null) {
                timing(s, at, false);
                calls(s, at);
                urls(s, at);
            }
        }

        MonitorConfig monitor(Section m) {
            String id = m.at("id").text();
            if (id == null) {
                return null;
            }
            JsonNode base = defaults;
            JsonNode expect = m.value().path("expect");
            if (expect.has("call") || expect.has("calls")) {
                // expect.call and expect.calls are two spellings of one list: a monitor's own replaces the defaults'.
                base = base.deepCopy();
                ((ObjectNode) base.get("expect")).remove(List.of("call", "calls"));
            }
            MonitorSettings s = Binding.read(Binding.merge(base, without(m.value(), "detection")), MonitorSettings.class, m);
            if (s == null) {
                return null;
            }
            Transport transport = Transport.fromWireName(s.transport());
            List<String> command = present(s.command());
            if (transport == Transport.STDIO) {
                if (command.isEmpty()) {
                    m.at("command").problem("is required for the stdio transport (a list: [program, arg, …])");
                }
                if (s.url() != null) {
                    m.at("url").problem("is not used with the stdio transport; give a command instead");
                }
            } else if (s.url() == null) {
                m.at("url").problem("is required (the MCP endpoint, e.g. https://example.com/mcp)");
            } else if (!isHttpUrl(s.url())) {
                m.at("url").problem("must be an http:// or https:// URL with a host, got '" + s.url() + "'");
            }
            Duration timeout = timing(s, m, true);
            List<MonitorConfig.ToolCallConfig> calls = calls(s, m);
            urls(s, m);
            List<X509Certificate> certificates = m.at("tls").written("ca_file") && s.tls().caFile() != null
                    ? certificates(s.tls().caFile(), m.at("tls").at("ca_file")) : trust;
            return new MonitorConfig(id, s.name() == null ? id : s.name(), transport, s.url(), command, s.env(), s.cwd(),
                    "auto".equals(s.protocol()) ? null : s.protocol(), s.headers(), s.interval(), timeout, s.initializeTimeout(),
                    s.retryInterval(), s.thresholds().failure(), s.thresholds().success(), s.expect().minTools(), present(s.expect().tools()),
                    null, present(s.tags()), s.runbookUrl(), present(s.locations()), certificates, s.paused(), calls,
                    detection(m.at("detection"), detection));
        }

        /** Checks the durations; returns the timeout in force (an unset one follows the interval: at most 30 s, at most half of it). */
        private static Duration timing(MonitorSettings s, Section at, boolean isMonitor) {
            Duration interval = s.interval();
            Duration timeout = s.timeout();
            // A value that was refused stands in as its default; comparing with it would invent a second mistake.
            boolean bothRead = !at.at("interval").failed() && !at.at("timeout").failed();
            if (at.written("interval") && interval.compareTo(MIN_INTERVAL) < 0) {
                at.at("interval").problem("must be at least " + MIN_INTERVAL.toSeconds() + "s, got " + pretty(interval));
            }
            if (timeout != null && bothRead && (timeout.isZero() || (isMonitor && timeout.compareTo(interval) >= 0))) {
                at.at("timeout").problem("must be more than 0 and shorter than the interval (" + pretty(interval) + "), got " + pretty(timeout)
                        + (at.written("timeout") ? "" : " (inherited; set a shorter timeout here or in defaults)"));
            }
            if (at.written("initialize_timeout") && s.initializeTimeout().isZero()) {
                at.at("initialize_timeout").problem("must be more than 0");
            }
            if (at.written("retry_interval") && s.retryInterval().compareTo(Duration.ofSeconds(1)) < 0) {
                at.at("retry_interval").problem("must be at least 1s, got " + pretty(s.retryInterval()));
            }
            if (timeout == null && isMonitor) {
                timeout = min(DEFAULT_TIMEOUT, interval.dividedBy(2));
            }
            return timeout;
        }

        /** The health-check calls; {@code call} and {@code calls} may not both be written, nor one tool twice. */
        private static List<MonitorConfig.ToolCallConfig> calls(MonitorSettings s, Section at) {
            Section expect = at.at("expect");
            if (expect.written("call") && expect.written("calls")) {
                expect.at("calls").problem("give either call (one tool) or calls (a list), not both");
            }
            Map<String, String> called = new HashMap<>();
            for (Section item : expect.at("calls").items()) {
                String tool = item.at("tool").text();
                String earlier = tool == null ? null : called.putIfAbsent(tool, item.path());
                if (earlier != null) {
                    item.at("tool").problem("tool '" + tool + "' is already called at " + earlier);
                }
            }
            List<MonitorSettings.ToolCall> written = s.expect().call() != null ? List.of(s.expect().call()) : present(s.expect().calls());
            return written.stream().filter(c -> c.tool() != null)
                    .map(c -> new MonitorConfig.ToolCallConfig(c.tool(), c.arguments() == null || c.arguments().isNull() ? null : c.arguments(),
                            c.contains()))
                    .toList();
        }

        private static void urls(MonitorSettings s, Section at) {
            if (at.written("runbook_url") && s.runbookUrl() != null && !isHttpUrl(s.runbookUrl())) {
                at.at("runbook_url").problem("must be an http(s) URL, got '" + s.runbookUrl() + "'");
            }
        }

        /** Each rule's settings: its block as written here, over {@code base}. */
        private static DetectionSettings detection(Section at, DetectionSettings base) {
            DetectionSettings out = base;
            for (Block<? extends Rules.Settings> block : Rules.blocks()) {
                out = over(block, at, out);
            }
            return out;
        }

        private static <S> DetectionSettings over(Block<S> block, Section at, DetectionSettings base) {
            return at.written(block.key()) ? base.with(block, block.read(at.at(block.key()), base.get(block))) : base;
        }
    }

    private static List<X509Certificate> certificates(String file, Section at) {
        Path pem = Path.of(file);
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                at.problem("no certificates in " + pem);
            }
            return out;
        } catch (IOException e) {
            at.problem("cannot read " + pem + ": " + e.getMessage());
        } catch (CertificateException e) {
            at.problem(pem + " is not a PEM certificate file: " + e.getMessage());
        }
        return List.of();
    }

    private static JsonNode parse(Path file, String name, Problems problems) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            problems.add(name, null, "cannot be read: " + e.getMessage());
            return null;
        }
        try {
            return YAML.readTree(text);
        } catch (JacksonException e) {
            problems.add(name, null, "is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
            return null;
        }
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

    private static JsonNode without(JsonNode node, String key) {
        if (node == null || !node.isObject() || !node.has(key)) {
            return node;
        }
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        copy.remove(key);
        return copy;
    }

    /** A list as bound, without the items that were refused. */
    private static <T> List<T> present(List<T> list) {
        return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static String pretty(Duration d) {
        return Durations.format(d);
    }
}
