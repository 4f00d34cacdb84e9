package dev.mcpwatch.probe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    /** Challenges longer than this are read only this far: nothing a client needs comes later. */
    static final int MAX_HEADER_CHARS = 8 * 1024;
    /** A parameter value is kept up to this length; a longer one is cut (and a URL that long is not fetched). */
    static final int MAX_VALUE_CHARS = 2048;
    private static final int MAX_PARAMS = 32;
    private static final int MAX_CHALLENGE_HEADERS = 16;
    private static final int METADATA_MAX_BYTES = 64 * 1024;

    private AuthProbe() {}

    /** The auth information of a 401/403, or null when it carries no Bearer challenge. */
    static AuthInfo inspect(Response resp, HttpSession session, Phase phase) {
        Map<String, String> bearer = null;
        List<String> challenges = resp.headers("WWW-Authenticate");
        for (String header : challenges.subList(0, Math.min(challenges.size(), MAX_CHALLENGE_HEADERS))) {
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
        MetadataResult md;
        if (metadataUrl != null && metadataUrl.length() > MAX_VALUE_CHARS) {
            metadataUrl = readable(metadataUrl, 200);
            md = new MetadataResult(null, "the challenge's resource_metadata is longer than " + MAX_VALUE_CHARS + " characters");
        } else {
            if (metadataUrl == null) {
                metadataUrl = wellKnown(target).toString();
            }
            md = fetch(metadataUrl, target, session);
        }
        return new AuthInfo(resp.code(), "Bearer", readable(bearer.get("realm"), 200), readable(bearer.get("error"), 200),
                readable(bearer.get("scope"), 500), metadataUrl, md.node != null, md.problem,
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
            s.append("; no protected-resource metadata at ").append(Text.clip(auth.resourceMetadataUrl(), 200))
                    .append(auth.metadataProblem() == null ? "" : " (" + auth.metadataProblem() + ")");
        }
        return s.toString();
    }

    /**
     * Parameters of the Bearer challenge in a WWW-Authenticate header, or null if there is none. A
     * hand-written scanner, linear in the header and without recursion: a server controls this text,
     * and a backtracking pattern let a long quoted value overflow the stack. Only the first
     * {@link #MAX_HEADER_CHARS} characters are read, and each value keeps at most
     * {@link #MAX_VALUE_CHARS} characters (one more marks it as cut).
     */
    static Map<String, String> bearerParams(String header) {
        String h = header.length() > MAX_HEADER_CHARS ? header.substring(0, MAX_HEADER_CHARS) : header;
        int at = indexOfScheme(h, "bearer");
        if (at < 0) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        int n = h.length();
        int i = at + "bearer".length();
        while (params.size() < MAX_PARAMS) {
            while (i < n && (h.charAt(i) == ',' || isSpace(h.charAt(i)))) {
                i++;
            }
            int nameStart = i;
            while (i < n && isTokenChar(h.charAt(i))) {
                i++;
            }
            int nameEnd = i;
            while (i < n && isSpace(h.charAt(i))) {
                i++;
            }
            if (nameEnd == nameStart || i >= n || h.charAt(i) != '=') {
                break; // the end, the next challenge's scheme, or a token68 we do not need
            }
            i++;
            while (i < n && isSpace(h.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && h.charAt(i) == '"') {
                for (i++; i < n; i++) {
                    char c = h.charAt(i);
                    if (c == '"') {
                        i++;
                        break;
                    }
                    if (c == '\\' && i + 1 < n) {
                        c = h.charAt(++i);
                    }
                    if (value.length() <= MAX_VALUE_CHARS) {
                        value.append(c);
                    }
                }
            } else {
                for (; i < n && h.charAt(i) != ',' && !isSpace(h.charAt(i)); i++) {
                    if (value.length() <= MAX_VALUE_CHARS) {
                        value.append(h.charAt(i));
                    }
                }
            }
            params.put(h.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT), value.toString());
        }
        return params;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** A parameter value for a sentence or a result: cut to {@code max} characters, control characters replaced. */
    private static String readable(String value, int max) {
        return value == null ? null : Text.clip(value, max);
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
            JsonNode node = JsonFeed.parse(body, ProbeSpec.Limits.DEFAULT);
            if (!node.isObject()) {
                return new MetadataResult(null, "not a JSON object");
            }
            return new MetadataResult(node, null);
        } catch (JsonFeed.Rejected e) {
            return new MetadataResult(null, e.failure(Phase.TOTAL, "the metadata").failure().message());
        } catch (IOException | RuntimeException e) {
            return new MetadataResult(null, IoErrors.describe(e));
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
