package dev.mcpwatch.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads {@code web:} (sessions, proxy) and {@code status_pages:} with the loader's path-named checks.
 * A status page may name monitors the file does not define: they may be monitors added from the
 * dashboard, which a configuration check cannot see; the page shows only monitors that exist.
 */
final class WebSettingsReader {
    static final Set<String> TOP = Set.of("web", "status_pages");
    private static final Set<String> WEB = Set.of("trust_proxy", "session_idle", "session_max", "api_env_allow");
    private static final Pattern ENV_ALLOW = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\*?");
    private static final Set<String> PAGE = Set.of("slug", "title", "description", "monitors", "critical");
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private WebSettingsReader() {}

    static WebSettings read(JsonNode web, String webFile, Map<String, JsonNode> pageLists, List<Problem> problems) {
        Node.Problems p = new Node.Problems(webFile);
        Node n = new Node(web, "web", p);
        n.requireObject();
        n.allowOnly(WEB);
        WebSettings d = WebSettings.DEFAULT;
        Duration idle = n.duration("session_idle", d.sessionIdle());
        Duration max = n.duration("session_max", d.sessionMax());
        if (idle.compareTo(Duration.ofMinutes(5)) < 0) {
            n.get("session_idle").problem("must be at least 5m, got " + ConfigLoader.pretty(idle));
        }
        if (max.compareTo(idle) < 0) {
            n.get("session_max").problem("must not be shorter than session_idle (" + ConfigLoader.pretty(idle) + "), got " + ConfigLoader.pretty(max));
        }
        boolean trustProxy = n.bool("trust_proxy", d.trustProxy());
        List<String> envAllow = new ArrayList<>();
        List<String> listed = n.strings("api_env_allow", List.of());
        for (int i = 0; i < listed.size(); i++) {
            String name = listed.get(i);
            if (ENV_ALLOW.matcher(name).matches()) {
                envAllow.add(name);
            } else {
                p.add("web.api_env_allow[" + i + "]", "must be a variable name (MCP_TOKEN) or a prefix ending in * (MCP_*), got '"
                        + name + "'" + (name.equals("*") ? "; * alone would let the API read every secret of mcpwatch's environment" : ""));
            }
        }
        problems.addAll(p.list());

        List<WebSettings.StatusPageConfig> pages = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> list : pageLists.entrySet()) {
            Node.Problems lp = new Node.Problems(list.getKey());
            Node root = new Node(list.getValue(), "status_pages", lp);
            for (Node page : root.items()) {
                WebSettings.StatusPageConfig cfg = page(page);
                if (cfg == null) {
                    continue;
                }
                if (seen.containsKey(cfg.slug())) {
                    page.get("slug").problem("duplicate status page '" + cfg.slug() + "' (also in " + seen.get(cfg.slug()) + ")");
                } else {
                    seen.put(cfg.slug(), list.getKey());
                    pages.add(cfg);
                }
            }
            problems.addAll(lp.list());
        }
        return new WebSettings(trustProxy, idle, max, pages, envAllow);
    }

    private static WebSettings.StatusPageConfig page(Node page) {
        if (!page.requireObject()) {
            if (page.isMissing()) {
                page.problem("is empty; a status page needs a slug and monitors");
            }
            return null;
        }
        page.allowOnly(PAGE);
        String slug = page.requiredString("slug");
        if (slug != null && !SLUG.matcher(slug).matches()) {
            page.get("slug").problem("must be lower-case letters, digits or '-' (at most 63), starting with a letter or digit; got '"
                    + slug + "'");
            slug = null;
        }
        List<String> monitors = page.strings("monitors", List.of());
        if (monitors.isEmpty() && !page.get("monitors").hasProblem()) {
            page.get("monitors").problem("must list at least one monitor id");
        }
        List<String> critical = page.strings("critical", List.of());
        for (String id : critical) {
            if (!monitors.contains(id)) {
                page.get("critical").problem("'" + id + "' is not one of this page's monitors " + monitors);
            }
        }
        String title = page.string("title", slug);
        if (slug == null) {
            return null;
        }
        return new WebSettings.StatusPageConfig(slug, title, page.string("description", null), monitors, critical);
    }
}
