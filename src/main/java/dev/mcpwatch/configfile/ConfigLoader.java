package dev.mcpwatch.configfile;

import dev.mcpwatch.alert.AlertingConfig;
import dev.mcpwatch.canary.CanarySettings;
import dev.mcpwatch.config.Binding;
import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.EnvSubstitution;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.Problem;
import dev.mcpwatch.config.Problems;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.reliability.Slo;
import dev.mcpwatch.reliability.SloSettings;
import dev.mcpwatch.runbook.RunbookSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    public static final Duration MIN_INTERVAL = Monitors.MIN_INTERVAL;
    public static final Duration MAX_INTERVAL = Monitors.MAX_INTERVAL;
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** Sections written once across a folder; monitors and status pages add up. */
    private static final List<String> ONCE = List.of("server", "storage", "defaults", "alerting", "web", "runbooks");

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

    /** One monitor's definition, read as an entry of {@code monitors:} in a file of its own: a {@link MonitorReader}. */
    public static MonitorConfig readMonitor(JsonNode definition, Function<String, String> env) throws ConfigException {
        ObjectNode doc = Binding.MAPPER.createObjectNode();
        doc.putArray("monitors").add(definition);
        return new ConfigLoader(env).loadText(doc.toString(), "monitor").monitors().getFirst();
    }

    /**
     * One SLO's definition, read as the only entry of {@code slos:} in a file of its own: the SLOs the
     * API adds are checked by the same schema and the same code as the file's, with the same messages
     * (their paths start with {@code slos[0]}).
     */
    public static Slo readSlo(JsonNode definition, Function<String, String> env) throws ConfigException {
        ObjectNode doc = Binding.MAPPER.createObjectNode();
        doc.putArray("slos").add(definition);
        List<Slo> slos = new ConfigLoader(env).loadText(doc.toString(), "slo").slos();
        if (slos.isEmpty()) {
            throw new ConfigException(List.of(new Problem("slo", "slos[0]", "is not an SLO")));
        }
        return slos.getFirst();
    }

    /** The documents of one configuration, gathered section by section. */
    private final class Documents {
        final Problems problems = new Problems();
        /** Each file as written, in load order: where its problems sort. */
        private final Map<String, JsonNode> written = new LinkedHashMap<>();
        private final Map<String, Section> once = new HashMap<>();
        private final List<Section> monitorLists = new ArrayList<>();
        private final List<Section> pageLists = new ArrayList<>();
        private final List<Section> canaryLists = new ArrayList<>();
        private final List<Section> sloLists = new ArrayList<>();

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
            if (doc.has("canaries")) {
                canaryLists.add(new Section(problems, name, "canaries", doc.get("canaries")));
            }
            if (doc.has("slos")) {
                sloLists.add(new Section(problems, name, "slos", doc.get("slos")));
            }
        }

        /**
         * A copy with {@code ${VAR}} replaced in every text value. A value whose variable is unset is
         * reported as such and left out, so that nothing checks the raw reference as if it were the value.
         */
        private JsonNode substitute(JsonNode node, String file, String path) {
            if (node.isString()) {
                String key = path.substring(path.lastIndexOf('.') + 1);
                if (path.contains(".auth.") && OAuthSettingsReader.SECRETS.contains(key) && !node.stringValue().contains("${")) {
                    problems.add(file, path, "must come from the environment, e.g. ${MCP_CLIENT_SECRET}; a secret is never "
                            + "written in the configuration (the value is not shown)");
                    return node;
                }
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
            List<CanarySettings> canaries = canaries();
            List<Slo> slos = slos();
            RunbookSettings runbooks = RunbookSettings.BLOCK.read(section("runbooks"), RunbookSettings.DEFAULT);
            if (!problems.isEmpty()) {
                throw new ConfigException(problems.inFileOrder(List.copyOf(written.keySet()), written));
            }
            return new McpwatchConfig(server, storage, list, source, alerting, web, canaries, slos, runbooks);
        }

        /**
         * Like a status page, a canary may name monitors the file does not define (monitors added from
         * the dashboard); until they exist, its answer says which one is missing.
         */
        private List<CanarySettings> canaries() {
            List<CanarySettings> out = new ArrayList<>();
            Map<String, String> seen = new HashMap<>();
            for (Section canaryList : canaryLists) {
                for (Section at : canaryList.items()) {
                    CanarySettings canary = at.bind(CanarySettings.class);
                    if (canary == null || at.failed()) {
                        continue;
                    }
                    boolean ok = true;
                    for (Map.Entry<String, String> p : canary.problems()) {
                        Section place = at.at(p.getKey());
                        if (!place.failed() && !at.failed()) {
                            place.problem(p.getValue());
                        }
                        ok = false;
                    }
                    if (!ok) {
                        continue;
                    }
                    String earlier = seen.putIfAbsent(canary.id(), at.file() + " " + at.path());
                    if (earlier != null) {
                        at.at("id").problem("duplicate canary id '" + canary.id() + "' (also at " + earlier + ")");
                    } else {
                        out.add(canary);
                    }
                }
            }
            return out;
        }

        /**
         * The SLOs of every file. Like a status page, an SLO may name a monitor the file does not
         * define (one added from the dashboard); it counts nothing until that monitor has probes.
         */
        private List<Slo> slos() {
            List<Slo> out = new ArrayList<>();
            Map<String, String> seen = new HashMap<>();
            for (Section sloList : sloLists) {
                for (Section at : sloList.items()) {
                    SloSettings s = at.bind(SloSettings.class);
                    if (s == null || s.id() == null) {
                        continue;
                    }
                    String earlier = seen.putIfAbsent(s.id(), at.file());
                    if (earlier != null) {
                        at.at("id").problem("duplicate SLO '" + s.id() + "' (also in " + earlier + ")");
                        continue;
                    }
                    try {
                        out.add(s.slo());
                    } catch (IllegalArgumentException e) {
                        at.problem(e.getMessage());
                    }
                }
            }
            return out;
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
                    for (String id : page.critical()) {
                        if (!page.monitors().contains(id)) {
                            at.at("critical").problem("'" + id + "' is not one of this page's monitors " + page.monitors());
                        }
                    }
                    String earlier = seen.putIfAbsent(page.slug(), at.file());
                    if (earlier != null) {
                        at.at("slug").problem("duplicate status page '" + page.slug() + "' (also in " + earlier + ")");
                    } else if (!page.monitors().isEmpty()) {
                        pages.add(page.title() != null ? page
                                : new WebSettings.StatusPageConfig(page.slug(), page.slug(), page.description(), page.monitors(), page.critical()));
                    }
                }
            }
            return pages;
        }
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


}
