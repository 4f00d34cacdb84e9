package dev.mcpwatch.probe;

import java.io.IOException;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Puts an {@link Authorizer}'s credentials on the probe's MCP requests to the monitored origin, and
 * when the server answers 401, or 403 {@code insufficient_scope}, with a Bearer challenge, lets the
 * authorizer get new ones and sends the request once more. Requests of the probe that are not MCP
 * steps (metadata, token requests) pass untouched, and so does anything to another origin.
 */
final class BearerInterceptor implements Interceptor {
    private final Authorizer authorizer;
    private final HttpUrl home;
    private final Authorizer.Side side;

    BearerInterceptor(Authorizer authorizer, HttpUrl home, HttpSession session) {
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
        int code = response.code();
        if (code != 401 && code != 403) {
            return response;
        }
        Map<String, String> challenge = null;
        for (String h : response.headers("WWW-Authenticate")) {
            challenge = AuthProbe.bearerParams(h);
            if (challenge != null) {
                break;
            }
        }
        if (challenge == null || (code == 403 && !"insufficient_scope".equals(challenge.get("error")))) {
            return response;
        }
        if (!authorizer.renew(new Authorizer.Challenge(code, request.url(), challenge), side)) {
            return response;
        }
        response.close();
        return chain.proceed(withCredentials(request));
    }

    private Request withCredentials(Request request) {
        String value = authorizer.authorization(side);
        return value == null ? request : request.newBuilder().header("Authorization", value).build();
    }

    private boolean sameOrigin(HttpUrl url) {
        return url.scheme().equals(home.scheme()) && url.host().equals(home.host()) && url.port() == home.port();
    }
}
