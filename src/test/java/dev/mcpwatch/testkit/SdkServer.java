package dev.mcpwatch.testkit;

import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator.ValidationResponse;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real MCP server built with the official MCP Java SDK, its servlet transport hosted in Jetty on
 * loopback: stateful streamable HTTP (sessions), stateless streamable HTTP, or the deprecated SSE
 * transport. The reference implementation the probe must find healthy.
 */
public final class SdkServer implements AutoCloseable {
    public static final String NAME = "sdk-fixture";
    public static final String VERSION = "2.1.0-test";

    /** A tool the server offers: its definition and what a call returns. */
    public record Tool(McpSchema.Tool definition, Function<Map<String, Object>, McpSchema.CallToolResult> handler) {}

    /**
     * How a server presents itself beyond its tools, as a versioned deployment does in the canary
     * guide: {@code version} is its serverInfo version and the value of its {@code X-Server-Version}
     * response header; {@code metrics}, when given, counts every tool call and serves them at
     * {@code /metrics} in the Prometheus text format.
     */
    public record Options(String version, ToolMetrics metrics, boolean checksOwnSchemas) {
        public static final Options PLAIN = new Options(null, null, true);

        public static Options version(String version) {
            return new Options(version, null, true);
        }

        /**
         * A server that does not check its own tools against their schemas (the SDK does by
         * default): what a hand-written server, or one whose SDK does not validate, sends as is.
         */
        public static Options uncheckedSchemas() {
            return new Options(null, null, false);
        }
    }

    private final Server jetty;
    private final String url;
    private final AutoCloseable mcp;

    private SdkServer(HttpServlet servlet, String path, AutoCloseable mcp) {
        this(servlet, path, mcp, Options.PLAIN);
    }

    private SdkServer(HttpServlet servlet, String path, AutoCloseable mcp, Options options) {
        try {
            jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            ServletHolder holder = new ServletHolder(servlet);
            holder.setAsyncSupported(true);
            context.addServlet(holder, "/*");
            if (options.version() != null) {
                String version = options.version();
                context.addFilter(new FilterHolder((Filter) (request, response, chain) -> {
                    ((HttpServletResponse) response).setHeader("X-Server-Version", version);
                    chain.doFilter(request, response);
                }), "/*", EnumSet.of(DispatcherType.REQUEST));
            }
            if (options.metrics() != null) {
                ToolMetrics metrics = options.metrics();
                context.addServlet(new ServletHolder(new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
                        resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
                        resp.getWriter().write(metrics.exposition());
                    }
                }), "/metrics");
            }
            jetty.setHandler(context);
            jetty.start();
            url = "http://127.0.0.1:" + connector.getLocalPort() + path;
            this.mcp = mcp;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the SDK server", e);
        }
    }

    /** Streamable HTTP with sessions (Mcp-Session-Id, DELETE), the common deployment. */
    public static SdkServer streamable(Tool... tools) {
        var transport = HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
        var server = McpServer.sync(transport)
                .serverInfo(NAME, VERSION)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(Arrays.stream(tools).map(SdkServer::sessionTool).toList())
                .build();
        return new SdkServer(transport, "/mcp", server::close);
    }

    /** Stateless streamable HTTP: no session, every request stands alone. */
    public static SdkServer stateless(Tool... tools) {
        return stateless(Options.PLAIN, tools);
    }

    /** Stateless streamable HTTP, presented as {@code options} say (a version header, metrics). */
    public static SdkServer stateless(Options options, Tool... tools) {
        var transport = HttpServletStatelessServerTransport.builder().messageEndpoint("/mcp").build();
        var server = McpServer.sync(transport)
                .serverInfo(NAME, options.version() == null ? VERSION : options.version())
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(Arrays.stream(tools).map(t -> metered(t, options)).map(SdkServer::statelessTool).toList())
                .build();
        return new SdkServer(transport, "/mcp", server::close, options);
    }

    /** Streamable HTTP with sessions, presented as {@code options} say (a version header, metrics). */
    public static SdkServer streamable(Options options, Tool... tools) {
        var transport = HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();
        var spec = McpServer.sync(transport);
        if (!options.checksOwnSchemas()) {
            spec.jsonSchemaValidator(ACCEPT_ALL).validateToolInputs(false);
        }
        var server = spec
                .serverInfo(NAME, options.version() == null ? VERSION : options.version())
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(Arrays.stream(tools).map(t -> metered(t, options)).map(SdkServer::sessionTool).toList())
                .build();
        return new SdkServer(transport, "/mcp", server::close, options);
    }

    private static final JsonSchemaValidator ACCEPT_ALL = new JsonSchemaValidator() {
        @Override
        public ValidationResponse validate(Map<String, Object> schema, Object value) {
            return ValidationResponse.asValid(null);
        }
    };

    /** The tool, counted into the options' metrics when there are any. */
    private static Tool metered(Tool t, Options options) {
        ToolMetrics metrics = options.metrics();
        if (metrics == null) {
            return t;
        }
        String name = t.definition().name();
        metrics.declare(name);
        return new Tool(t.definition(), args -> {
            long start = System.nanoTime();
            McpSchema.CallToolResult result;
            try {
                result = t.handler().apply(args);
            } catch (RuntimeException e) {
                metrics.observe(name, "exception", (System.nanoTime() - start) / 1e9);
                throw e;
            }
            metrics.observe(name, Boolean.TRUE.equals(result.isError()) ? "tool_error" : null, (System.nanoTime() - start) / 1e9);
            return result;
        });
    }

    /** The deprecated HTTP+SSE transport: GET /sse for the stream, POST to the endpoint it names. */
    public static SdkServer sse(Tool... tools) {
        var transport = HttpServletSseServerTransportProvider.builder().messageEndpoint("/message").sseEndpoint("/sse").build();
        var server = McpServer.sync(transport)
                .serverInfo(NAME, VERSION)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(Arrays.stream(tools).map(SdkServer::sessionTool).toList())
                .build();
        return new SdkServer(transport, "/sse", server::close);
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        try {
            mcp.close();
        } catch (Exception ignored) {
            // closing sessions of a test server
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- tools ------------------------------------------------------------------------------

    /** Echoes its {@code message} argument. Read-only. */
    public static Tool echo() {
        return new Tool(McpSchema.Tool.builder()
                .name("echo")
                .description("Echoes the message back")
                .inputSchema(Map.of("type", "object",
                        "properties", Map.of("message", Map.of("type", "string")),
                        "required", List.of("message")))
                .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(true).build())
                .build(),
                args -> McpSchema.CallToolResult.builder().addTextContent("echo: " + args.get("message")).build());
    }

    /** Adds {@code a} and {@code b}. */
    public static Tool add() {
        return new Tool(McpSchema.Tool.builder()
                .name("add")
                .description("Adds two numbers")
                .inputSchema(Map.of("type", "object",
                        "properties", Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number")),
                        "required", List.of("a", "b")))
                .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(true).build())
                .build(),
                args -> McpSchema.CallToolResult.builder()
                        .addTextContent(String.valueOf(((Number) args.get("a")).doubleValue() + ((Number) args.get("b")).doubleValue()))
                        .build());
    }

    /** A tool whose upstream is down: every call returns isError. */
    public static Tool broken() {
        return new Tool(McpSchema.Tool.builder()
                .name("weather")
                .description("Current weather (its upstream is down)")
                .inputSchema(Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))))
                .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(true).build())
                .build(),
                args -> McpSchema.CallToolResult.builder().addTextContent("upstream weather API unavailable").isError(true).build());
    }

    private static McpServerFeatures.SyncToolSpecification sessionTool(Tool t) {
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(t.definition())
                .callHandler((exchange, request) -> t.handler().apply(request.arguments()))
                .build();
    }

    private static McpStatelessServerFeatures.SyncToolSpecification statelessTool(Tool t) {
        return McpStatelessServerFeatures.SyncToolSpecification.builder()
                .tool(t.definition())
                .callHandler((context, request) -> t.handler().apply(request.arguments()))
                .build();
    }
}
