package dev.mcpwatch.testkit;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A legacy MCP server that a test can break and mend while a monitor watches it: healthy, answering
 * every request with HTTP 503, or never answering (until its deadline).
 */
public final class Switch implements AutoCloseable {
    public enum Mode { HEALTHY, ERROR_503, SILENT }

    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.HEALTHY);
    private final FixtureServer server;

    public Switch() {
        ScriptedMcp mcp = ScriptedMcp.legacy();
        this.server = FixtureServer.http(http -> {
            switch (mode.get()) {
                case HEALTHY -> mcp.handle(http);
                case ERROR_503 -> http.respond(503, "text/plain", "maintenance");
                case SILENT -> Thread.sleep(60_000);
            }
        });
    }

    public void set(Mode m) {
        mode.set(m);
    }

    public String url() {
        return server.url("/mcp");
    }

    public FixtureServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
