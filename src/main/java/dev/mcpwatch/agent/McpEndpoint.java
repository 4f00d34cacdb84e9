package dev.mcpwatch.agent;

import dev.mcpwatch.auth.AccessControl;
import dev.mcpwatch.auth.AuthService;
import dev.mcpwatch.detect.DetectionRoutes;
import dev.mcpwatch.monitor.IncidentRoutes;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorRoutes;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.reliability.ReliabilityRoutes;
import dev.mcpwatch.status.StatusUpdateRoutes;
import dev.mcpwatch.web.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.server.McpSyncResponse;
import io.modelcontextprotocol.modern.server.feature.McpSyncTool;
import io.modelcontextprotocol.modern.server.feature.McpSyncToolRepository;
import io.modelcontextprotocol.modern.server.feature.ToolsFeature;
import io.modelcontextprotocol.modern.server.feature.ToolsPage;
import io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * mcpwatch's own MCP server at {@code /mcp}, so agents can ask it what is up, what broke and why,
 * built on the official MCP Java SDK. It speaks both eras on the one path, stateless in both:
 * <ul>
 *   <li>2026-07-28 ({@code server/discover}, every request self-contained), recognised by its
 *       {@code Mcp-Method} header or the protocol version in {@code params._meta};</li>
 *   <li>the legacy streamable HTTP era ({@code initialize} first), every other POST.</li>
 * </ul>
 * Who may call what: {@link AccessControl} lets a request in (an API token, or anyone before a
 * password exists) and {@link AgentTools} refuses write tools to whoever may only read.
 */
public final class McpEndpoint implements Routes {
    public static final String PATH = "/mcp";
    private static final String CALLER = "mcpwatch.caller";
    private static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
    private static final int MAX_BODY = 1 << 20;

    private final AgentTools tools;
    private final HttpServlet modern;
    private final HttpServletStatelessServerTransport legacy;

    McpEndpoint(AgentTools tools) {
        this.tools = tools;
        McpJsonMapper json = McpJsonDefaults.getMapper();
        String version = version();
        var modernServer = io.modelcontextprotocol.modern.server.McpServer.builder()
                .serverInfo(io.modelcontextprotocol.modern.McpSchema.Implementation.builder("mcpwatch", version).title("mcpwatch").build())
                .instructions(INSTRUCTIONS)
                .jsonMapper(json)
                .feature(ToolsFeature.ofSync(new ModernTools()))
                .build();
        this.modern = HttpServletMcpTransport.builder(modernServer).jsonMapper(json).endpoint(PATH).maxRequestSize(MAX_BODY)
                .contextExtractor(McpEndpoint::caller).build();
        this.legacy = HttpServletStatelessServerTransport.builder().jsonMapper(json).messageEndpoint(PATH).maxRequestSize(MAX_BODY)
                .contextExtractor(McpEndpoint::caller).build();
        // Building the legacy server installs its handler on the transport; the transport is all this endpoint keeps.
        McpServer.sync(legacy).serverInfo("mcpwatch", version).instructions(INSTRUCTIONS).jsonMapper(json)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(tools.all().stream().map(this::legacyTool).toList()).build();
    }

    /** The endpoint over the same methods the JSON API's routes answer with. */
    public static McpEndpoint over(MonitorRoutes monitors, IncidentRoutes incidents, DetectionRoutes detection, ReliabilityRoutes reliability,
            Incidents lifecycle, StatusUpdateRoutes statusUpdates) {
        return new McpEndpoint(new AgentTools(monitors, incidents, detection, reliability, lifecycle, statusUpdates));
    }

    private static final String INSTRUCTIONS = "mcpwatch monitors MCP servers. list_monitors and get_monitor say what is up and what "
            + "failed (layer, reason, phase); list_incidents and get_incident give incidents with their timelines; get_tool_drift "
            + "shows how a server's tool list changed; get_reliability summarises availability, MTTD and MTTR. "
            + "acknowledge_incident and post_status_update need a token allowed to write.";

    @Override
    public void register(RoutesConfig routes) {
        routes.post(PATH, this::serve);
        // Both eras are stateless: no stream to GET, no session to DELETE. The legacy transport says so (405).
        routes.get(PATH, ctx -> legacy.service(ctx.req(), ctx.res()));
        routes.delete(PATH, ctx -> legacy.service(ctx.req(), ctx.res()));
    }

    private void serve(Context ctx) throws Exception {
        byte[] body = ctx.bodyAsBytes();
        HttpServletRequest request = new Replayed(ctx.req(), body);
        request.setAttribute(CALLER, AccessControl.principal(ctx));
        if (isModern(ctx.header("Mcp-Method"), body)) {
            modern.service(request, ctx.res());
        } else {
            legacy.service(request, ctx.res());
        }
        ctx.status(ctx.res().getStatus());
    }

    /** A 2026-07-28 request names its method in a header and its protocol version in {@code _meta}; a legacy one does neither. */
    static boolean isModern(String methodHeader, byte[] body) {
        if (methodHeader != null) {
            return true;
        }
        try {
            JsonNode meta = Json.MAPPER.readTree(body).path("params").path("_meta");
            return meta.path(META_VERSION).isString();
        } catch (RuntimeException e) {
            return false; // not JSON: the legacy transport answers with a parse error
        }
    }

    private static McpTransportContext caller(HttpServletRequest request) {
        Map<String, Object> values = new HashMap<>();
        Object who = request.getAttribute(CALLER);
        if (who != null) {
            values.put(CALLER, who);
        }
        return McpTransportContext.create(values);
    }

    private static AuthService.Principal caller(McpTransportContext context) {
        return context == null ? null : (AuthService.Principal) context.get(CALLER);
    }

    // ---- the legacy era -------------------------------------------------------------------------

    private McpStatelessServerFeatures.SyncToolSpecification legacyTool(AgentTool tool) {
        var definition = McpSchema.Tool.builder().name(tool.name()).title(tool.title()).description(tool.description())
                .inputSchema(tool.inputSchema()).outputSchema(tool.outputSchema())
                .annotations(new McpSchema.ToolAnnotations(tool.title(), !tool.writes(), false, !tool.writes(), false, null)).build();
        return new McpStatelessServerFeatures.SyncToolSpecification(definition, (context, request) -> {
            AgentTools.Outcome outcome = tools.call(tool.name(), request.arguments(), caller(context));
            if (outcome.error() != null) {
                return McpSchema.CallToolResult.builder().addTextContent(outcome.error()).isError(true).build();
            }
            return McpSchema.CallToolResult.builder().addTextContent(Json.MAPPER.writeValueAsString(outcome.result()))
                    .structuredContent(outcome.result()).isError(false).build();
        });
    }

    // ---- the 2026-07-28 era ---------------------------------------------------------------------

    private final class ModernTools implements McpSyncToolRepository {
        private final List<McpSyncTool> all = tools.all().stream().map(this::tool).toList();

        @Override
        public ToolsPage list(io.modelcontextprotocol.modern.server.McpRequestContext context, String cursor) {
            return ToolsPage.of(all.stream().map(McpSyncTool::definition).toList());
        }

        @Override
        public McpSyncTool find(io.modelcontextprotocol.modern.server.McpRequestContext context, String name) {
            return all.stream().filter(t -> t.definition().name().equals(name)).findFirst().orElse(null);
        }

        private McpSyncTool tool(AgentTool tool) {
            var definition = new io.modelcontextprotocol.modern.McpSchema.Tool(tool.name(), tool.title(), tool.description(),
                    tool.inputSchema(), tool.outputSchema(),
                    new io.modelcontextprotocol.modern.McpSchema.ToolAnnotations(tool.title(), !tool.writes(), false, !tool.writes(), false),
                    null, null);
            return McpSyncTool.of(definition, (context, request) -> {
                AgentTools.Outcome outcome = tools.call(tool.name(), request.arguments(), caller(context.transportContext()));
                var result = io.modelcontextprotocol.modern.McpSchema.CallToolResult.builder();
                if (outcome.error() != null) {
                    result.addContent(io.modelcontextprotocol.modern.McpSchema.TextContent.builder(outcome.error()).build()).isError(true);
                } else {
                    result.addContent(io.modelcontextprotocol.modern.McpSchema.TextContent.builder(
                            Json.MAPPER.writeValueAsString(outcome.result())).build()).structuredContent(outcome.result()).isError(false);
                }
                return McpSyncResponse.result(result.build());
            });
        }
    }

    private static String version() {
        String v = McpEndpoint.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The request with its body, already read by Javalin for the era check, served again to the SDK's servlet. */
    private static final class Replayed extends HttpServletRequestWrapper {
        private final byte[] body;

        Replayed(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
