package dev.mcpwatch.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The far side of the serve benchmark: one process serving N legacy-era (2025-11-25) streamable HTTP
 * MCP endpoints at {@code /mcp/0} … {@code /mcp/N-1} on 127.0.0.1, so that {@code mcpwatch serve}
 * can be given N monitors without N processes. Each endpoint answers {@code initialize} (with a
 * session id), notifications (202), {@code tools/list} (three tools) and DELETE of the session (200),
 * all with JSON bodies; {@code server/discover} and anything without a session get the 400 a legacy
 * SDK server sends, so mcpwatch's era detection falls back to the legacy handshake once per monitor.
 *
 * <p>It counts what it sees, per endpoint and in total, and serves the counts at {@code GET /stats}
 * as one JSON object: the benchmark reads it at both ends of its window, so the probe rate it reports
 * is the one the servers saw, not the monitor's own account. A probe is counted at its
 * {@code initialize}.
 *
 * <p>Cheap on purpose: the JDK's HTTP server, a virtual thread per exchange, canned responses. It
 * runs in its own JVM so its CPU is not counted as the monitor's, though on a small machine it
 * competes for the same cores.
 */
public final class FleetServer implements AutoCloseable {
    public static final String PREFIX = "/mcp/";
    private static final String PROTOCOL = "2025-11-25";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String INITIALIZE_RESULT = "{\"protocolVersion\":\"" + PROTOCOL + "\","
            + "\"capabilities\":{\"tools\":{\"listChanged\":false}},"
            + "\"serverInfo\":{\"name\":\"fleet-mcp\",\"version\":\"1.0.0\"}}";
    private static final String TOOLS_RESULT = "{\"tools\":["
            + tool("echo", "Echoes the message back", "{\"message\":{\"type\":\"string\"}}", "[\"message\"]") + ","
            + tool("add", "Adds two numbers", "{\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}}", "[\"a\",\"b\"]") + ","
            + tool("health", "Answers ok when the server is healthy", "{}", "[]") + "]}";
    private static final String NOT_INITIALIZED =
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Bad Request: Server not initialized\"},\"id\":null}";
    private static final String UNKNOWN_SESSION =
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32001,\"message\":\"Session not found\"},\"id\":null}";
    private static final String PARSE_ERROR =
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}";

    private final int size;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** Open sessions, each "{index}-{counter}", so a session is only good on the endpoint that opened it. */
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextSession = new AtomicLong();
    private final AtomicIntegerArray probesPerPath;
    private final LongAdder requests = new LongAdder();
    private final LongAdder initializes = new LongAdder();
    private final LongAdder discovers = new LongAdder();
    private final LongAdder toolLists = new LongAdder();
    private final LongAdder deletes = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    private FleetServer(int size, int port) throws IOException {
        this.size = size;
        this.probesPerPath = new AtomicIntegerArray(size);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        server.setExecutor(executor);
        server.createContext(PREFIX, this::handle);
        server.createContext("/stats", this::stats);
        server.start();
    }

    /** Starts N endpoints on loopback; port 0 picks a free one. */
    public static FleetServer start(int size, int port) throws IOException {
        if (size < 1) {
            throw new IllegalArgumentException("the fleet needs at least one endpoint, got " + size);
        }
        return new FleetServer(size, port);
    }

    /** Usage: {@code FleetServer N [port]}. Prints {@code listening <base url>} once it accepts connections, then serves until killed. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: FleetServer N [port]");
            System.exit(1);
        }
        // Headers and body go out as two writes; without this a delayed ACK could add to the monitor's figures.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // Between two requests of a probe its connection is idle, and the JDK's server closes any connection
        // that goes idle while 200 others are (its default). At 500 probes/s that broke ~1.4% of probes
        // ("Connection broke in initialized"): the fleet's limit, not the monitor's, so lift it.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
        }
        FleetServer fleet = start(Integer.parseInt(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 0);
        System.out.println("listening " + fleet.baseUrl() + " (" + fleet.size + " endpoints)");
        System.out.flush();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Endpoint i is this followed by i. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + PREFIX;
    }

    /** The counts /stats serves. */
    public String statsJson() {
        int probed = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < size; i++) {
            int n = probesPerPath.get(i);
            probed += n > 0 ? 1 : 0;
            min = Math.min(min, n);
            max = Math.max(max, n);
        }
        return "{\"endpoints\":" + size + ",\"requests\":" + requests.sum() + ",\"probes\":" + initializes.sum()
                + ",\"discovers\":" + discovers.sum() + ",\"toolLists\":" + toolLists.sum() + ",\"deletes\":" + deletes.sum()
                + ",\"rejected\":" + rejected.sum() + ",\"openSessions\":" + sessions.size() + ",\"endpointsProbed\":" + probed
                + ",\"minProbesPerEndpoint\":" + min + ",\"maxProbesPerEndpoint\":" + max + ",\"nanoTime\":" + System.nanoTime() + "}";
    }

    /** Probes (initialize requests) endpoint i has seen. */
    int probes(int i) {
        return probesPerPath.get(i);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void stats(HttpExchange exchange) throws IOException {
        try (exchange) {
            respond(exchange, 200, statsJson());
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.increment();
            int index = index(exchange.getRequestURI().getPath());
            if (index < 0) {
                rejected.increment();
                respond(exchange, 404, null);
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "POST" -> post(exchange, index);
                case "DELETE" -> delete(exchange, index);
                default -> respond(exchange, 405, null);
            }
        }
    }

    /** The endpoint number in /mcp/{i}, or -1 when the path names none. */
    private int index(String path) {
        String tail = path.substring(PREFIX.length());
        if (tail.isEmpty() || tail.length() > 9) {
            return -1;
        }
        int i = 0;
        for (int k = 0; k < tail.length(); k++) {
            char ch = tail.charAt(k);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            i = i * 10 + (ch - '0');
        }
        return i < size ? i : -1;
    }

    private void post(HttpExchange exchange, int index) throws IOException {
        JsonNode msg;
        try (InputStream in = exchange.getRequestBody()) {
            msg = JSON.readTree(in.readNBytes(1 << 20));
        } catch (RuntimeException e) {
            msg = null;
        }
        if (msg == null || !msg.isObject() || !msg.path("method").isString()) {
            rejected.increment();
            respond(exchange, 400, PARSE_ERROR);
            return;
        }
        String method = msg.get("method").stringValue();
        JsonNode id = msg.get("id");
        if (method.equals("initialize")) {
            initializes.increment();
            probesPerPath.incrementAndGet(index);
            String session = index + "-" + nextSession.incrementAndGet();
            sessions.add(session);
            exchange.getResponseHeaders().set("Mcp-Session-Id", session);
            respond(exchange, 200, reply(id, INITIALIZE_RESULT));
            return;
        }
        String session = exchange.getRequestHeaders().getFirst("Mcp-Session-Id");
        if (session == null) {
            if (method.equals("server/discover")) {
                discovers.increment();
            } else {
                rejected.increment();
            }
            respond(exchange, 400, NOT_INITIALIZED); // what a legacy SDK server says to server/discover
            return;
        }
        if (!session.startsWith(index + "-") || !sessions.contains(session)) {
            rejected.increment();
            respond(exchange, 404, UNKNOWN_SESSION);
            return;
        }
        if (id == null) {
            respond(exchange, 202, null); // a notification
            return;
        }
        switch (method) {
            case "tools/list" -> {
                toolLists.increment();
                respond(exchange, 200, reply(id, TOOLS_RESULT));
            }
            case "ping" -> respond(exchange, 200, reply(id, "{}"));
            default -> respond(exchange, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id
                    + ",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}");
        }
    }

    private void delete(HttpExchange exchange, int index) throws IOException {
        String session = exchange.getRequestHeaders().getFirst("Mcp-Session-Id");
        boolean ended = session != null && session.startsWith(index + "-") && sessions.remove(session);
        if (ended) {
            deletes.increment();
        } else {
            rejected.increment();
        }
        respond(exchange, ended ? 200 : 404, ended ? null : UNKNOWN_SESSION);
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String reply(JsonNode id, String result) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}";
    }

    private static String tool(String name, String description, String properties, String required) {
        return "{\"name\":\"" + name + "\",\"description\":\"" + description + "\","
                + "\"inputSchema\":{\"type\":\"object\",\"properties\":" + properties + ",\"required\":" + required + "},"
                + "\"annotations\":{\"readOnlyHint\":true}}";
    }
}
