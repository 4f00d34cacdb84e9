package dev.mcpwatch.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mcpwatch.probe.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;

/**
 * A small HTTP(S) server on loopback for tests, answering every request with a handler. Each
 * request runs on its own virtual thread, so a handler may sleep or stream forever without
 * holding up the others. Requests are recorded (method, path, headers, body) for assertions.
 */
public final class FixtureServer implements AutoCloseable {

    /** Answers one request. */
    @FunctionalInterface
    public interface Handler {
        void handle(Request request) throws Exception;
    }

    /** A recorded request. */
    public record Seen(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final String scheme;

    private FixtureServer(HttpServer server, String scheme, Handler handler) {
        this.server = server;
        this.scheme = scheme;
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            Request request = new Request(exchange);
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), request.bodyText()));
            try {
                handler.handle(request);
            } catch (IOException e) {
                // the client went away mid-response: expected with hostile fixtures
            } catch (Exception e) {
                if (!request.responded) {
                    request.respond(500, "text/plain", ("fixture error: " + e).getBytes(StandardCharsets.UTF_8));
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    public static FixtureServer http(Handler handler) {
        try {
            return new FixtureServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64), "http", handler);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static FixtureServer https(SSLContext tls, Handler handler) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return new FixtureServer(server, "https", handler);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL of a path on this server, by IP literal. */
    public String url(String path) {
        return scheme + "://127.0.0.1:" + port() + path;
    }

    /** The URL of a path on this server, by the name {@code localhost}. */
    public String localhostUrl(String path) {
        return scheme + "://localhost:" + port() + path;
    }

    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** One request and the means to answer it. */
    public static final class Request {
        private final HttpExchange exchange;
        private byte[] body;
        private boolean responded;

        Request(HttpExchange exchange) {
            this.exchange = exchange;
        }

        public String method() {
            return exchange.getRequestMethod();
        }

        public String path() {
            return exchange.getRequestURI().getPath();
        }

        public String query() {
            return exchange.getRequestURI().getQuery();
        }

        public String header(String name) {
            return exchange.getRequestHeaders().getFirst(name);
        }

        String bodyText() {
            return new String(body(), StandardCharsets.UTF_8);
        }

        public byte[] body() {
            if (body == null) {
                try {
                    body = exchange.getRequestBody().readNBytes(1 << 20);
                } catch (IOException e) {
                    body = new byte[0];
                }
            }
            return body;
        }

        /** The request body as JSON, or null when it is empty or not JSON. */
        public JsonNode json() {
            try {
                return body().length == 0 ? null : Json.MAPPER.readTree(body());
            } catch (RuntimeException e) {
                return null;
            }
        }

        public void setHeader(String name, String value) {
            exchange.getResponseHeaders().set(name, value);
        }

        public void respond(int status, String contentType, byte[] bytes) throws IOException {
            responded = true;
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }

        public void respond(int status, String contentType, String text) throws IOException {
            respond(status, contentType, text.getBytes(StandardCharsets.UTF_8));
        }

        public void json(int status, JsonNode node) throws IOException {
            respond(status, "application/json", Json.MAPPER.writeValueAsBytes(node));
        }

        public void empty(int status) throws IOException {
            respond(status, null, new byte[0]);
        }

        /** Starts a chunked response of unknown length; the caller writes and closes the stream. */
        public OutputStream stream(int status, String contentType) throws IOException {
            responded = true;
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, 0);
            return exchange.getResponseBody();
        }

        /**
         * Starts a response that declares {@code length} bytes in Content-Length; the caller writes
         * them at its own pace, or never.
         */
        public OutputStream stream(int status, String contentType, long length) throws IOException {
            responded = true;
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, length);
            return exchange.getResponseBody();
        }
    }
}
