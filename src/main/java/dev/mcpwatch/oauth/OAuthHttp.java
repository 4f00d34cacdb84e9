package dev.mcpwatch.oauth;

import dev.mcpwatch.probe.Authorizer;
import dev.mcpwatch.probe.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import tools.jackson.databind.JsonNode;

/**
 * The few HTTP requests OAuth needs (metadata GETs, token and registration POSTs), made with the
 * probe's own clients (its trust, no redirects followed), each bounded by the probe's time left (at
 * most 10 s) and by size: an authorization server's answers are small, so more than 64 KiB is refused.
 */
final class OAuthHttp {
    static final int MAX_BYTES = 64 * 1024;
    private static final long MAX_MILLIS = 10_000;

    private final Authorizer.Side side;

    OAuthHttp(Authorizer.Side side) {
        this.side = side;
    }

    /** An answer: its status, its JSON body (null when it had none or it was not JSON) and a header. */
    record Answer(int status, JsonNode json, String dpopNonce) {
        boolean ok() {
            return status >= 200 && status < 300 && json != null && json.isObject();
        }

        /** The OAuth error of a failed answer, for messages: {@code invalid_client (bad secret)}. */
        String error() {
            if (json == null || !json.path("error").isString()) {
                return "HTTP " + status;
            }
            String d = json.path("error_description").stringValue(null);
            return "HTTP " + status + " " + clip(json.path("error").stringValue()) + (d == null ? "" : " (" + clip(d) + ")");
        }
    }

    Answer get(HttpUrl url) throws OAuthException {
        return send(new Request.Builder().url(url).header("Accept", "application/json").get().build());
    }

    Answer postForm(HttpUrl url, Map<String, String> form, Map<String, String> headers) throws OAuthException {
        FormBody.Builder body = new FormBody.Builder();
        form.forEach((k, v) -> {
            if (v != null) {
                body.add(k, v);
            }
        });
        Request.Builder b = new Request.Builder().url(url).header("Accept", "application/json").post(body.build());
        headers.forEach(b::header);
        return send(b.build());
    }

    Answer postJson(HttpUrl url, JsonNode json) throws OAuthException {
        return send(new Request.Builder().url(url).header("Accept", "application/json")
                .post(okhttp3.RequestBody.create(json.toString(), okhttp3.MediaType.get("application/json"))).build());
    }

    private Answer send(Request request) throws OAuthException {
        long budget = Math.min(MAX_MILLIS, side.remainingMillis());
        if (budget <= 0) {
            throw new OAuthException("no time left in the probe for " + request.url().host());
        }
        var call = side.client(request.url()).newCall(request.newBuilder().header("User-Agent", dev.mcpwatch.probe.Prober.USER_AGENT)
                .build());
        call.timeout().timeout(budget, TimeUnit.MILLISECONDS);
        try (Response r = call.execute()) {
            JsonNode json = null;
            try (InputStream in = r.body().byteStream()) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new OAuthException(request.url().host() + " answered more than " + MAX_BYTES + " bytes");
                }
                if (bytes.length > 0) {
                    try {
                        json = Json.MAPPER.readTree(bytes);
                    } catch (RuntimeException notJson) {
                        json = null;
                    }
                }
            }
            return new Answer(r.code(), json, r.header("DPoP-Nonce"));
        } catch (IOException e) {
            throw new OAuthException("request to " + redacted(request.url()) + " failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : clip(e.getMessage())));
        }
    }

    /** A URL for messages: no query (it may carry codes or state). */
    static String redacted(HttpUrl url) {
        return url.newBuilder().query(null).fragment(null).build().toString();
    }

    static String clip(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }
}
