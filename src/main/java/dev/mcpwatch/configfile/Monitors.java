package dev.mcpwatch.configfile;

import dev.mcpwatch.config.Binding;
import dev.mcpwatch.config.Block;
import dev.mcpwatch.config.DetectionSettings;
import dev.mcpwatch.config.Durations;
import dev.mcpwatch.config.Links;
import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.RemediationSettings;
import dev.mcpwatch.config.Section;
import dev.mcpwatch.detect.Rules;
import dev.mcpwatch.oauth.OAuthSettings;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes each monitor's {@link MonitorConfig}: the built-in defaults, then {@code defaults:}, then the
 * monitor's own keys, bound as {@link MonitorSettings}, with the checks a schema cannot make.
 * {@code defaults:} is checked once, where it is written; a monitor's checks name what it wrote
 * itself, and what it inherits only where a rule joins the two (a timeout from the defaults that is
 * not shorter than this monitor's interval).
 */
final class Monitors {
    static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
    /** A monitor is probed at least once a day: a longer interval is a mistake, not a monitor. */
    static final Duration MAX_INTERVAL = Duration.ofHours(24);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final JsonNode defaults;
    private final DetectionSettings detection;
    private final List<X509Certificate> trust;

    Monitors(Section at) {
        JsonNode written = at.isMissing() ? null : without(at.value(), "detection");
        this.defaults = Binding.merge(Binding.tree(MonitorSettings.BUILT_IN), written);
        this.detection = detection(at.at("detection"), DetectionSettings.defaults(Rules.blocks()));
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
        } else if (!Links.isHttpUrl(s.url())) {
            m.at("url").problem("must be an http:// or https:// URL with a host, got '" + Urls.redact(s.url()) + "'");
        } else if (URI.create(s.url()).getPort() == 0 || URI.create(s.url()).getPort() > 65535) {
            m.at("url").problem("has port " + URI.create(s.url()).getPort() + "; a port is 1 to 65535 (or left out for the scheme's own)");
        }
        Duration timeout = timing(s, m, true);
        List<MonitorConfig.ToolCallConfig> calls = calls(s, m);
        OAuthSettings oauth = OAuthSettingsReader.read(m.at("auth"), transport, s.headers());
        urls(s, m);
        List<X509Certificate> certificates = m.at("tls").written("ca_file") && s.tls().caFile() != null
                ? certificates(s.tls().caFile(), m.at("tls").at("ca_file")) : trust;
        return new MonitorConfig(id, s.name() == null ? id : s.name(), transport, s.url(), command, s.env(), s.cwd(),
                "auto".equals(s.protocol()) ? null : s.protocol(), s.headers(), s.interval(), timeout, s.initializeTimeout(),
                s.retryInterval(), s.thresholds().failure(), s.thresholds().success(), s.expect().minTools(), present(s.expect().tools()),
                null, present(s.tags()), s.runbookUrl(), present(s.locations()), certificates, s.paused(), calls,
                detection(m.at("detection"), detection), oauth, s.allowInsecureRedirect(), remediation(s, m.at("remediation")),
                s.quorum(), s.regionalSeverity());
    }

    /** Exactly one action, an http one with a URL to send to. */
    private static RemediationSettings remediation(MonitorSettings s, Section at) {
        RemediationSettings r = s.remediation();
        if (r == null) {
            return null;
        }
        if (r.command().isEmpty() == (r.http() == null)) {
            at.problem("needs exactly one action: command (a program and its arguments) or http (a request to a restart hook)");
        }
        if (r.http() != null && (r.http().url() == null || !Links.isHttpUrl(r.http().url()))) {
            at.at("http").at("url").problem("must be an http(s) URL, got '" + (r.http().url() == null ? "" : Urls.redact(r.http().url())) + "'");
        }
        if (r.timeout().isZero() || r.watch().isZero()) {
            at.problem("timeout and watch must be more than 0");
        }
        return r;
    }

    /** Checks the durations; returns the timeout in force (an unset one follows the interval: at most 30 s, at most half of it). */
    private static Duration timing(MonitorSettings s, Section at, boolean isMonitor) {
        Duration interval = s.interval();
        Duration timeout = s.timeout();
        // A value that was refused stands in as its default; comparing with it would invent a second mistake.
        boolean bothRead = !at.at("interval").failed() && !at.at("timeout").failed();
        if (at.written("interval") && interval.compareTo(MIN_INTERVAL) < 0) {
            at.at("interval").problem("must be at least " + MIN_INTERVAL.toSeconds() + "s, got " + Durations.pretty(interval));
        } else if (at.written("interval") && interval.compareTo(MAX_INTERVAL) > 0) {
            at.at("interval").problem("must be at most 24h, got " + Durations.pretty(interval));
        }
        if (at.written("retry_interval") && s.retryInterval().compareTo(MAX_INTERVAL) > 0) {
            at.at("retry_interval").problem("must be at most 24h, got " + Durations.pretty(s.retryInterval()));
        }
        if (timeout != null && bothRead && (timeout.isZero() || (isMonitor && timeout.compareTo(interval) >= 0))) {
            at.at("timeout").problem("must be more than 0 and shorter than the interval (" + Durations.pretty(interval) + "), got " + Durations.pretty(timeout)
                    + (at.written("timeout") ? "" : " (inherited; set a shorter timeout here or in defaults)"));
        }
        if (at.written("initialize_timeout") && s.initializeTimeout().isZero()) {
            at.at("initialize_timeout").problem("must be more than 0");
        }
        if (at.written("retry_interval") && s.retryInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            at.at("retry_interval").problem("must be at least 1s, got " + Durations.pretty(s.retryInterval()));
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
                .map(c -> new MonitorConfig.ToolCallConfig(c.tool(), present(c.arguments()), c.contains(), present(c.inputResponses())))
                .toList();
    }

    private static void urls(MonitorSettings s, Section at) {
        if (at.written("runbook_url") && s.runbookUrl() != null && !Links.isHttpUrl(s.runbookUrl())) {
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

    private static JsonNode without(JsonNode node, String key) {
        if (node == null || !node.isObject() || !node.has(key)) {
            return node;
        }
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        copy.remove(key);
        return copy;
    }

    /** A mapping passed on as written, or null when there is none. */
    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    /** A list as bound, without the items that were refused. */
    static <T> List<T> present(List<T> list) {
        return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
