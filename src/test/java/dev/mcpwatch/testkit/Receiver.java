package dev.mcpwatch.testkit;

import com.sun.net.httpserver.HttpServer;
import dev.mcpwatch.probe.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * An alert receiver on loopback standing in for Slack, PagerDuty, a webhook…: it records every
 * request (with when it arrived) and answers through a handler that a test may swap (200 by default).
 * It can be stopped and started again on the same port, as a receiver that is down for a while.
 */
public final class Receiver implements AutoCloseable {

    /** A recorded request. */
    public record Seen(long at, String method, String path, String query, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }

        public JsonNode json() {
            return Json.MAPPER.readTree(body);
        }
    }

    private final int port;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile FixtureServer.Handler handler = http -> http.respond(200, "text/plain", "ok");
    private HttpServer server;
    private ExecutorService executor;

    private Receiver(int port) {
        this.port = port;
    }

    /** A receiver listening on a free loopback port. */
    public static Receiver start() {
        Receiver r = new Receiver(freePort());
        r.up();
        return r;
    }

    /** A receiver that is down: its port is chosen, nothing listens yet. */
    public static Receiver down() {
        return new Receiver(freePort());
    }

    public Receiver answer(FixtureServer.Handler h) {
        this.handler = h;
        return this;
    }

    public synchronized void up() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port, e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            FixtureServer.Request request = new FixtureServer.Request(exchange);
            seen.add(new Seen(System.currentTimeMillis(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getQuery(), Map.copyOf(exchange.getRequestHeaders()),
                    new String(request.body(), StandardCharsets.UTF_8)));
            try {
                handler.handle(request);
            } catch (IOException e) {
                // the sender went away mid-answer
            } catch (Exception e) {
                try {
                    request.respond(500, "text/plain", "receiver error: " + e);
                } catch (IOException ignored) {
                    // gone
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** Stops listening: senders get connection refused until {@link #up}. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    public List<Seen> requests(Predicate<Seen> which) {
        return seen.stream().filter(which).toList();
    }

    /** Requests whose JSON body has {@code field} equal to {@code value}. */
    public List<Seen> withJson(String field, String value) {
        return requests(s -> {
            try {
                return value.equals(s.json().path(field).asString(null));
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
