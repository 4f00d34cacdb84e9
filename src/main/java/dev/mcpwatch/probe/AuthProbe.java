package dev.mcpwatch.probe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import tools.jackson.databind.JsonNode;

/**
 * Reads a 401/403 Bearer challenge and the RFC 9728 protected-resource metadata it points to (or
 * the well-known URL), so an auth-walled server is reported as such with what a client would need
 * to get in. The metadata request carries no credentials.
 */
final class AuthProbe {
    private static final Pattern PARAM = Pattern.compile("\\s*([A-Za-z0-9_\\-]+)\\s*=\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,\\s]*)\\s*,?");
    private static final int METADATA_MAX_BYTES = 64 * 1024;

    private AuthProbe() {}

    /** The auth information of a 401/403, or null when it carries no Bearer challenge. */
    static AuthInfo inspect(Response resp, HttpSession session, Phase phase) {
        Map<String, String> bearer = null;
        for (String header : resp.headers("WWW-Authenticate")) {
            bearer = bearerParams(header);
            if (bearer != null) {
                break;
            }
        }
        if (bearer == null) {
            return null;
        }
        HttpUrl target = resp.request().url();
        String metadataUrl = bearer.get("resource_metadata");
        if (metadataUrl == null) {
            metadataUrl = wellKnown(target).toString();
        }
        MetadataResult md = fetch(metadataUrl, target, session);
        return new AuthInfo(resp.code(), "Bearer", bearer.get("realm"), bearer.get("error"), bearer.get("scope"),
                metadataUrl, md.node != null, md.problem,
                md.node == null ? null : md.node.path("resource").stringValue(null),
                md.node == null ? null : strings(md.node.path("authorization_servers")),
                md.node == null ? null : strings(md.node.path("scopes_supported")),
                md.node == null ? null : strings(md.node.path("bearer_methods_supported")));
    }

    static String sentence(AuthInfo auth, Phase phase) {
        StringBuilder s = new StringBuilder("Authorization required (HTTP ").append(auth.status())
                .append(", Bearer) in ").append(phase.wireName());
        if (auth.error() != null) {
            s.append(": ").append(Text.clip(auth.error(), 60));
        }
        if (auth.metadataFound()) {
            s.append("; protected-resource metadata names authorization server ")
                    .append(auth.authorizationServers() == null || auth.authorizationServers().isEmpty()
                            ? "(none)" : String.join(", ", auth.authorizationServers()));
        } else {
            s.append("; no protected-resource metadata at ").append(auth.resourceMetadataUrl())
                    .append(auth.metadataProblem() == null ? "" : " (" + auth.metadataProblem() + ")");
        }
        return s.toString();
    }

    /** Parameters of the Bearer challenge in a WWW-Authenticate header, or null if there is none. */
    static Map<String, String> bearerParams(String header) {
        int at = indexOfScheme(header, "bearer");
        if (at < 0) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(header);
        int pos = at + "bearer".length();
        while (pos < header.length() && m.find(pos) && m.start() == pos) {
            String value = m.group(3) != null ? m.group(3).replaceAll("\\\\(.)", "$1") : m.group(2);
            params.put(m.group(1).toLowerCase(Locale.ROOT), value);
            pos = m.end();
        }
        return params;
    }

    private static int indexOfScheme(String header, String scheme) {
        String lower = header.toLowerCase(Locale.ROOT);
        int from = 0;
        while (true) {
            int i = lower.indexOf(scheme, from);
            if (i < 0) {
                return -1;
            }
            boolean startOk = i == 0 || lower.charAt(i - 1) == ' ' || lower.charAt(i - 1) == ',';
            int end = i + scheme.length();
            boolean endOk = end == lower.length() || lower.charAt(end) == ' ';
            if (startOk && endOk) {
                return i;
            }
            from = end;
        }
    }

    /** RFC 9728 §3.1: the well-known path goes between the host and the resource's path. */
    static HttpUrl wellKnown(HttpUrl resource) {
        String path = resource.encodedPath();
        String suffix = path.equals("/") ? "" : path;
        return resource.newBuilder().encodedPath("/.well-known/oauth-protected-resource" + suffix).query(null).build();
    }

    private record MetadataResult(JsonNode node, String problem) {}

    /**
     * Fetches the metadata with the probe's own client (its trust store, no redirects, no configured
     * headers), and only from the monitored host: a hostile server must not be able to point the
     * monitor at an internal address.
     */
    private static MetadataResult fetch(String url, HttpUrl target, HttpSession session) {
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            return new MetadataResult(null, "not a URL");
        }
        if (!parsed.host().equalsIgnoreCase(target.host())) {
            return new MetadataResult(null, "on another host (" + Text.clip(parsed.host(), 80) + "); mcpwatch only fetches it from "
                    + target.host());
        }
        long budget = Math.min(5_000, session.deadline().remainingNanos() / 1_000_000);
        if (budget <= 0) {
            return new MetadataResult(null, "no time left in the probe");
        }
        var call = session.clientFor(parsed).newCall(new Request.Builder().url(parsed).header("Accept", "application/json")
                .header("User-Agent", Prober.USER_AGENT).build());
        call.timeout().timeout(budget, TimeUnit.MILLISECONDS);
        try (Response r = call.execute()) {
            if (!r.isSuccessful()) {
                return new MetadataResult(null, "HTTP " + r.code());
            }
            byte[] body = r.body().byteStream().readNBytes(METADATA_MAX_BYTES + 1);
            if (body.length > METADATA_MAX_BYTES) {
                return new MetadataResult(null, "larger than " + METADATA_MAX_BYTES + " bytes");
            }
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                return new MetadataResult(null, "not a JSON object");
            }
            return new MetadataResult(node, null);
        } catch (IOException | RuntimeException e) {
            return new MetadataResult(null, Text.clip(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 100));
        }
    }

    private static List<String> strings(JsonNode array) {
        if (!array.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (n.isString()) {
                out.add(Text.clip(n.stringValue(), 200));
            }
        }
        return out;
    }
}
