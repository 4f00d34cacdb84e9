package dev.mcpwatch.oauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;

/**
 * From a server's Bearer challenge to its authorization server: the RFC 9728 protected-resource
 * metadata (the challenge's {@code resource_metadata}, else the path-based then the root well-known
 * URL), then the authorization server's metadata (RFC 8414, then OpenID Connect discovery, at the
 * locations the MCP authorization spec lists, in its order). Refuses metadata that is not about the
 * server being monitored, and authorization-server metadata whose issuer is not the authorization
 * server it was fetched for: either would let a hostile party collect mcpwatch's credentials.
 */
final class Discovery {
    private Discovery() {}

    /** What discovery found: the resource, its authorization server's metadata, and the scopes to ask for by default. */
    record Found(String resource, String issuer, JsonNode server, List<String> resourceScopes) {
        HttpUrl endpoint(String name) throws OAuthException {
            HttpUrl url = server.path(name).isString() ? HttpUrl.parse(server.get(name).stringValue()) : null;
            if (url == null) {
                throw new OAuthException("the authorization server's metadata (" + issuer + ") has no usable " + name);
            }
            return url;
        }

        List<String> list(String name) {
            return strings(server.path(name));
        }
    }

    static Found discover(OAuthHttp http, HttpUrl mcpUrl, Map<String, String> challenge, OAuthSettings settings) throws OAuthException {
        JsonNode prm = protectedResource(http, mcpUrl, challenge);
        String resource = prm.path("resource").stringValue(null);
        if (resource == null) {
            throw new OAuthException("the protected-resource metadata names no resource");
        }
        if (!covers(resource, mcpUrl)) {
            throw new OAuthException("the protected-resource metadata is for " + OAuthHttp.clip(resource) + ", not for "
                    + OAuthHttp.redacted(mcpUrl) + "; mcpwatch sends no credentials for another resource");
        }
        List<String> servers = strings(prm.path("authorization_servers"));
        if (servers.isEmpty()) {
            throw new OAuthException("the protected-resource metadata names no authorization server");
        }
        String issuer = servers.getFirst();
        if (settings.issuer() != null) {
            issuer = servers.stream().filter(s -> sameIssuer(s, settings.issuer())).findFirst().orElseThrow(() -> new OAuthException(
                    "the server names authorization server " + OAuthHttp.clip(servers.getFirst()) + ", not the configured issuer "
                            + settings.issuer() + "; mcpwatch sends the credentials only there"));
        }
        return new Found(settings.resource() != null ? settings.resource() : resource, issuer, authorizationServer(http, issuer),
                strings(prm.path("scopes_supported")));
    }

    private static JsonNode protectedResource(OAuthHttp http, HttpUrl mcpUrl, Map<String, String> challenge) throws OAuthException {
        List<HttpUrl> tries = new ArrayList<>();
        String named = challenge.get("resource_metadata");
        if (named != null) {
            HttpUrl u = HttpUrl.parse(named);
            if (u == null) {
                throw new OAuthException("the challenge's resource_metadata is not a URL");
            }
            tries.add(u);
        } else {
            String path = mcpUrl.encodedPath();
            if (!path.equals("/")) {
                tries.add(mcpUrl.newBuilder().encodedPath("/.well-known/oauth-protected-resource" + path).query(null).build());
            }
            tries.add(mcpUrl.newBuilder().encodedPath("/.well-known/oauth-protected-resource").query(null).build());
        }
        List<String> seen = new ArrayList<>();
        for (HttpUrl u : tries) {
            OAuthHttp.Answer a = http.get(u);
            if (a.ok()) {
                return a.json();
            }
            seen.add(OAuthHttp.redacted(u) + " (" + a.error() + ")");
        }
        throw new OAuthException("no protected-resource metadata at " + String.join(", ", seen));
    }

    /** RFC 8414 §3.1 and OpenID Connect discovery, in the order of the MCP authorization spec; the issuer must match (§3.3). */
    private static JsonNode authorizationServer(OAuthHttp http, String issuer) throws OAuthException {
        HttpUrl base = HttpUrl.parse(issuer);
        if (base == null) {
            throw new OAuthException("authorization server " + OAuthHttp.clip(issuer) + " is not a URL");
        }
        String path = base.encodedPath().equals("/") ? "" : base.encodedPath().replaceAll("/+$", "");
        List<HttpUrl> tries = new ArrayList<>();
        HttpUrl root = base.newBuilder().query(null).fragment(null).encodedPath("/").build();
        if (path.isEmpty()) {
            tries.add(root.newBuilder().encodedPath("/.well-known/oauth-authorization-server").build());
            tries.add(root.newBuilder().encodedPath("/.well-known/openid-configuration").build());
        } else {
            tries.add(root.newBuilder().encodedPath("/.well-known/oauth-authorization-server" + path).build());
            tries.add(root.newBuilder().encodedPath("/.well-known/openid-configuration" + path).build());
            tries.add(root.newBuilder().encodedPath(path + "/.well-known/openid-configuration").build());
        }
        List<String> seen = new ArrayList<>();
        for (HttpUrl u : tries) {
            OAuthHttp.Answer a = http.get(u);
            if (a.ok()) {
                String said = a.json().path("issuer").stringValue(null);
                if (!issuer.equals(said)) {
                    throw new OAuthException("the metadata at " + OAuthHttp.redacted(u) + " says issuer " + (said == null ? "(none)"
                            : OAuthHttp.clip(said)) + ", not " + OAuthHttp.clip(issuer) + " (RFC 8414 §3.3); mcpwatch does not use it");
                }
                return a.json();
            }
            seen.add(OAuthHttp.redacted(u) + " (" + a.error() + ")");
        }
        throw new OAuthException("no authorization server metadata for " + OAuthHttp.clip(issuer) + " at " + String.join(", ", seen));
    }

    /** The resource covers the monitored URL: same origin, and the URL's path is the resource's or below it. */
    static boolean covers(String resource, HttpUrl url) {
        HttpUrl r = HttpUrl.parse(resource);
        if (r == null || !r.scheme().equals(url.scheme()) || !r.host().equalsIgnoreCase(url.host()) || r.port() != url.port()) {
            return false;
        }
        String rp = r.encodedPath().endsWith("/") ? r.encodedPath() : r.encodedPath() + "/";
        String up = url.encodedPath().endsWith("/") ? url.encodedPath() : url.encodedPath() + "/";
        return up.startsWith(rp);
    }

    static boolean sameIssuer(String a, String b) {
        return a.replaceAll("/+$", "").equals(b.replaceAll("/+$", ""));
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            for (JsonNode n : array) {
                if (n.isString()) {
                    out.add(n.stringValue());
                }
            }
        }
        return out;
    }
}
