package dev.mcpwatch.probe;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * A request sent once more when it failed on a kept-alive connection the server had just closed.
 *
 * <p>Servers close idle connections after a few seconds (Node after 5, gunicorn after 2), and a probe
 * reuses its connections: a request that follows a pause — the token request after a person approved
 * a login in the browser, a step after a slow one — may go out on a connection the server closed a
 * moment before, and fail with "unexpected end of stream" or a reset though the server is fine. As
 * browsers and HTTP clients do, such a request is sent once more, on a new connection. Only then:
 * a failure on a connection this probe had not used before (a fresh connect) is the server's, and so
 * is a timeout; those stay failures. The probe's client does not retry otherwise
 * ({@code retryOnConnectionFailure(false)}), so every other failure is seen as it happened.
 */
final class StaleConnections {
    private final ConnectionPool pool;
    /** Connections a request of this probe has gone out on. */
    private final Set<Connection> used = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    StaleConnections(ConnectionPool pool) {
        this.pool = pool;
    }

    /** Adds the retry (innermost of the client's interceptors) and the detection (on the connection). */
    OkHttpClient.Builder install(OkHttpClient.Builder b) {
        return b.addInterceptor(this::retryOnce).addNetworkInterceptor(this::detect);
    }

    private Response retryOnce(Interceptor.Chain chain) throws IOException {
        try {
            return chain.proceed(chain.request());
        } catch (Stale e) {
            pool.evictAll(); // any other idle connection of the probe may be as stale
            try {
                return chain.proceed(chain.request());
            } catch (Stale again) {
                throw again.failure;
            }
        }
    }

    private Response detect(Interceptor.Chain chain) throws IOException {
        Connection c = chain.connection();
        boolean reused = c != null && !used.add(c);
        try {
            return chain.proceed(chain.request());
        } catch (IOException e) {
            if (reused && !(e instanceof InterruptedIOException) && replayable(chain)) {
                throw new Stale(e);
            }
            throw e;
        }
    }

    private static boolean replayable(Interceptor.Chain chain) {
        return chain.request().body() == null || !chain.request().body().isOneShot();
    }

    /** A failure on a reused connection; carries the original for when the second try fails too. */
    private static final class Stale extends IOException {
        final IOException failure;

        Stale(IOException failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }
    }
}
