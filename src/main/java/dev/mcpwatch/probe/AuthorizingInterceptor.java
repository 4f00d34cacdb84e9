package dev.mcpwatch.probe;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import okhttp3.Challenge;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Puts an {@link Authorizer}'s credentials on the probe's MCP requests to the monitored origin, and
 * when the server answers 401 with a Bearer or DPoP challenge, or 403 {@code insufficient_scope},
 * lets the authorizer get new ones and sends the request once more. Requests of the probe that are
 * not MCP steps (metadata, token requests) pass untouched, and so does anything to another origin.
 */
final class AuthorizingInterceptor implements Interceptor {
    private final Authorizer authorizer;
    private final HttpUrl home;
    private final Authorizer.Side side;

    AuthorizingInterceptor(Authorizer authorizer, HttpUrl home, HttpSession session) {
        this.authorizer = authorizer;
        this.home = home;
        this.side = new Authorizer.Side() {
            @Override
            public OkHttpClient client(HttpUrl url) {
                return session.clientFor(url);
            }

            @Override
            public long remainingMillis() {
                return session.deadline().remainingNanos() / 1_000_000;
            }
        };
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (request.tag(HttpSession.StageTracker.class) == null || !sameOrigin(request.url())) {
            return chain.proceed(request);
        }
        Response response = chain.proceed(withCredentials(request));
        // Twice at most: a new token, then perhaps the DPoP nonce the server wants with it.
        for (int round = 0; round < MAX_RENEWALS; round++) {
            Authorizer.Challenge challenge = challenge(response);
            if (challenge == null || !authorizer.renew(challenge, side)) {
                return response;
            }
            response.close();
            response = chain.proceed(withCredentials(request));
        }
        return response;
    }

    private static final int MAX_RENEWALS = 2;

    /** The Bearer or DPoP challenge of a 401, or the Bearer insufficient_scope of a 403; null for anything else. */
    private static Authorizer.Challenge challenge(Response response) {
        int code = response.code();
        String nonce = response.header("DPoP-Nonce");
        if (code == 401) {
            for (Challenge c : response.challenges()) {
                String scheme = c.scheme().toLowerCase(Locale.ROOT);
                if (scheme.equals("bearer") || scheme.equals("dpop")) {
                    Map<String, String> params = new LinkedHashMap<>();
                    c.authParams().forEach((k, v) -> {
                        if (k != null && v != null) {
                            params.put(k.toLowerCase(Locale.ROOT), v);
                        }
                    });
                    return new Authorizer.Challenge(code, scheme.equals("dpop") ? "DPoP" : "Bearer", response.request().url(), params,
                            nonce);
                }
            }
            return null;
        }
        if (code == 403) {
            for (String h : response.headers("WWW-Authenticate")) {
                Map<String, String> params = AuthProbe.bearerParams(h);
                if (params != null && "insufficient_scope".equals(params.get("error"))) {
                    return new Authorizer.Challenge(code, "Bearer", response.request().url(), params, nonce);
                }
            }
        }
        return null;
    }

    private Request withCredentials(Request request) {
        Map<String, String> headers = authorizer.headers(request.method(), request.url(), side);
        if (headers.isEmpty()) {
            return request;
        }
        Request.Builder b = request.newBuilder();
        headers.forEach(b::header);
        return b.build();
    }

    private boolean sameOrigin(HttpUrl url) {
        return url.scheme().equals(home.scheme()) && url.host().equals(home.host()) && url.port() == home.port();
    }
}
