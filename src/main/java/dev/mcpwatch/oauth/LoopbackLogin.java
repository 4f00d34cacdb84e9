package dev.mcpwatch.oauth;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.HttpUrl;

/**
 * The person's part of an authorization-code login, as native apps do it (RFC 8252): a one-shot
 * listener on 127.0.0.1 receives the redirect, the authorization URL is shown (and opened with
 * {@code $BROWSER} when that is set), and the code comes back with the state mcpwatch sent. Used by
 * {@code mcpwatch auth login} only; a monitor never opens a browser.
 */
final class LoopbackLogin {

    /** What opens the authorization URL: the person's browser. */
    interface Browser {
        void open(String url) throws IOException;
    }

    /** The redirect's query parameters (code, state, iss, or error). */
    record Redirect(Map<String, String> params) {}

    private final Browser browser;
    private final PrintStream out;
    private final int port;
    private final Duration wait;

    LoopbackLogin(Browser browser, PrintStream out, int port, Duration wait) {
        this.browser = browser;
        this.out = out;
        this.port = port;
        this.wait = wait;
    }

    /** A listener waiting for one redirect; {@link #redirectUri} is what the authorization request names. */
    final class Listener implements AutoCloseable {
        private final HttpServer server;
        private final CompletableFuture<Redirect> received = new CompletableFuture<>();

        Listener() throws OAuthException {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            } catch (IOException e) {
                throw new OAuthException("cannot listen on 127.0.0.1:" + port + " for the login redirect: " + e.getMessage());
            }
            server.createContext("/callback", exchange -> {
                Map<String, String> params = query(exchange.getRequestURI().getRawQuery());
                byte[] page = ("<!doctype html><title>mcpwatch</title><p>" + (params.containsKey("code")
                        ? "mcpwatch received the login. You can close this tab."
                        : "The authorization server did not grant access; see the terminal.") + "</p>").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(page);
                }
                received.complete(new Redirect(params));
            });
            server.start();
        }

        String redirectUri() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
        }

        /** Shows and opens {@code url}, then waits for the redirect. */
        Redirect await(HttpUrl url) throws OAuthException {
            out.println("Log in to authorize mcpwatch: open this URL in a browser (it is opened for you when $BROWSER is set):");
            out.println("  " + url);
            out.flush();
            try {
                browser.open(url.toString());
            } catch (IOException e) {
                out.println("(could not open the browser: " + e.getMessage() + "; open the URL yourself)");
            }
            try {
                return received.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new OAuthException("no login came back within " + wait.toSeconds() + " s");
            } catch (ExecutionException e) {
                throw new OAuthException("the login redirect failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OAuthException("interrupted while waiting for the login");
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    Listener listen() throws OAuthException {
        return new Listener();
    }

    /** The browser of {@code $BROWSER} (a command; the URL is its last argument), or none: the URL is only shown. */
    static Browser fromEnvironment(Map<String, String> env) {
        String command = env.get("BROWSER");
        if (command == null || command.isBlank()) {
            return url -> {};
        }
        return url -> {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command.strip().split("\\s+")));
            args.add(url);
            new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        };
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }
}
