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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server side of the probe benchmark: a legacy-era (2025-11-25) streamable HTTP MCP server on
 * loopback that does as little as a correct server can, so that what the benchmark measures is the
 * monitor. It runs in its own JVM ({@link #main}) so its CPU is not counted as the monitor's.
 *
 * <p>It answers {@code initialize} (with a session id), {@code notifications/*} (202),
 * {@code tools/list} (four tools), {@code ping}, and DELETE of the session, all with JSON bodies;
 * {@code server/discover} and any request without a session get the 400 a legacy SDK server sends.
 * Every response carries {@code Server-Timing: app;dur=<ms>}: the time from the handler's entry to
 * just before the response headers go out, so the probe can subtract the server's own time from its
 * measurement. Time the HTTP server spends before the handler (accepting, parsing the request line
 * and headers) is not in it and shows up as the monitor's added latency; the JDK's server keeps
 * that small.
 *
 * <p>Why the JDK's {@code com.sun.net.httpserver} and not Jetty: nothing but the JDK on the
 * server's path, a few hundred lines of server between the socket and the handler, start-up in
 * well under a second; bench/README.md has the measured comparison. Handlers run on virtual threads
 * (one per exchange) so one slow connection never holds up another. TCP_NODELAY is switched on in
 * {@link #main}: the JDK server flushes headers and body as two writes, and under Nagle's algorithm
 * the second could wait for an ACK. On this machine it made no measurable difference (Linux ACKs the
 * first segments of a fresh connection at once); it is there so a different kernel cannot add a
 * delayed-ACK wait to the monitor's figures.
 */
public final class FastMcpServer implements AutoCloseable {
    static final String NAME = "fast-mcp";
    static final String PATH = "/mcp";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROTOCOL = "2025-11-25";
    private static final String INITIALIZE_RESULT = "{\"protocolVersion\":\"" + PROTOCOL + "\","
            + "\"capabilities\":{\"tools\":{\"listChanged\":false}},"
            + "\"serverInfo\":{\"name\":\"" + NAME + "\",\"version\":\"1.0.0\"},"
            + "\"instructions\":\"A benchmark peer for mcpwatch.\"}";
    private static final String TOOLS_RESULT = "{\"tools\":["
            + tool("echo", "Echoes the message back", "{\"message\":{\"type\":\"string\"}}", "[\"message\"]") + ","
            + tool("add", "Adds two numbers", "{\"a\":{\"type\":\"number\"},\"b\":{\"type\":\"number\"}}", "[\"a\",\"b\"]") + ","
            + tool("now", "The server's clock as ISO-8601", "{}", "[]") + ","
            + tool("health", "Answers ok when the server is healthy", "{}", "[]") + "]}";
    private static final String NOT_INITIALIZED =
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Bad Request: Server not initialized\"},\"id\":null}";
    private static final String UNKNOWN_SESSION =
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32001,\"message\":\"Session not found\"},\"id\":null}";
    private static final String PARSE_ERROR =
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();

    private FastMcpServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        server.start();
    }

    /** Starts a server on loopback; port 0 picks a free one. */
    public static FastMcpServer start(int port) throws IOException {
        return new FastMcpServer(port);
    }

    /** Usage: {@code FastMcpServer [port]}. Prints {@code listening <url>} once it accepts connections, then serves until killed. */
    public static void main(String[] args) throws IOException {
        // Read once, when the JDK's server is first used; set here and not in start() so tests sharing a JVM keep the default.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        FastMcpServer server = start(port);
        System.out.println("listening " + server.url());
        System.out.flush();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + PATH;
    }

    /** Sessions opened and not yet ended with DELETE. */
    int openSessions() {
        return sessions.size();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        try (exchange) {
            switch (exchange.getRequestMethod()) {
                case "POST" -> post(exchange, start);
                case "DELETE" -> delete(exchange, start);
                default -> respond(exchange, start, 405, null);
            }
        }
    }

    private void post(HttpExchange exchange, long start) throws IOException {
        JsonNode msg;
        try (InputStream in = exchange.getRequestBody()) {
            msg = JSON.readTree(in.readNBytes(1 << 20));
        } catch (RuntimeException e) {
            msg = null;
        }
        if (msg == null || !msg.isObject() || !msg.path("method").isString()) {
            respond(exchange, start, 400, PARSE_ERROR);
            return;
        }
        String method = msg.get("method").stringValue();
        JsonNode id = msg.get("id");
        if (method.equals("initialize")) {
            String session = UUID.randomUUID().toString();
            sessions.add(session);
            exchange.getResponseHeaders().set("Mcp-Session-Id", session);
            respond(exchange, start, 200, reply(id, INITIALIZE_RESULT));
            return;
        }
        String session = exchange.getRequestHeaders().getFirst("Mcp-Session-Id");
        if (session == null) {
            respond(exchange, start, 400, NOT_INITIALIZED); // what a legacy SDK server says to server/discover
            return;
        }
        if (!sessions.contains(session)) {
            respond(exchange, start, 404, UNKNOWN_SESSION);
            return;
        }
        if (id == null) {
            respond(exchange, start, 202, null); // a notification
            return;
        }
        switch (method) {
            case "tools/list" -> respond(exchange, start, 200, reply(id, TOOLS_RESULT));
            case "ping" -> respond(exchange, start, 200, reply(id, "{}"));
            default -> respond(exchange, start, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id
                    + ",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}");
        }
    }

    private void delete(HttpExchange exchange, long start) throws IOException {
        String session = exchange.getRequestHeaders().getFirst("Mcp-Session-Id");
        boolean ended = session != null && sessions.remove(session);
        respond(exchange, start, ended ? 200 : 404, ended ? null : UNKNOWN_SESSION);
    }

    /** Sends the response; the Server-Timing value covers everything up to the headers going out. */
    private static void respond(HttpExchange exchange, long start, int status, String json) throws IOException {
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        if (body != null) {
            headers.set("Content-Type", "application/json");
        }
        headers.set("Server-Timing", "app;dur=" + millis(System.nanoTime() - start));
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

    /** Nanoseconds as milliseconds with three decimals, without String.format's cost. */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        long frac = micros % 1_000;
        return micros / 1_000 + "." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + frac;
    }

    private static String tool(String name, String description, String properties, String required) {
        return "{\"name\":\"" + name + "\",\"description\":\"" + description + "\","
                + "\"inputSchema\":{\"type\":\"object\",\"properties\":" + properties + ",\"required\":" + required + "},"
                + "\"annotations\":{\"readOnlyHint\":true}}";
    }
}
