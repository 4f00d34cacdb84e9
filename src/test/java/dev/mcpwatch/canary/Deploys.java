package dev.mcpwatch.canary;

import dev.mcpwatch.testkit.SdkServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tools of a small MCP server in the versions a canary test deploys: the stable one, and
 * canaries that break it in one way each (a failing tool, a slow one, a result that no longer
 * matches its output schema, a parameter whose type changed, a tool gone).
 */
final class Deploys {
    private Deploys() {}

    /** {@code lookup}: a read-only search with a required string {@code query} and a structured answer. */
    static McpSchema.Tool lookupDefinition(String queryType) {
        return McpSchema.Tool.builder()
                .name("lookup")
                .description("Looks up a term")
                .inputSchema(Map.of("type", "object",
                        "properties", Map.of("query", Map.of("type", queryType)),
                        "required", List.of("query")))
                .outputSchema(Map.of("type", "object",
                        "properties", Map.of("answer", Map.of("type", "string")),
                        "required", List.of("answer")))
                .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(true).build())
                .build();
    }

    /** The stable lookup: answers after {@code delayMs}. */
    static SdkServer.Tool lookup(long delayMs) {
        return new SdkServer.Tool(lookupDefinition("string"), args -> {
            pause(delayMs);
            return answer("found " + args.get("query"));
        });
    }

    /** A lookup whose every {@code n}-th call fails (isError), as a regression on one code path does. */
    static SdkServer.Tool lookupFailingEvery(int n) {
        AtomicLong calls = new AtomicLong();
        return new SdkServer.Tool(lookupDefinition("string"), args -> calls.incrementAndGet() % n == 0
                ? McpSchema.CallToolResult.builder().addTextContent("index unavailable").isError(true).build()
                : answer("found " + args.get("query")));
    }

    /** A lookup whose structured result no longer matches its outputSchema (answer is a number). */
    static SdkServer.Tool lookupWrongOutput() {
        return new SdkServer.Tool(lookupDefinition("string"), args -> McpSchema.CallToolResult.builder()
                .addTextContent("42").structuredContent(Map.of("answer", 42)).build());
    }

    /** A lookup whose {@code query} became an integer: the stable's string arguments are refused. */
    static SdkServer.Tool lookupNumericQuery() {
        return new SdkServer.Tool(lookupDefinition("integer"), args -> args.get("query") instanceof Number q
                ? answer("found #" + q)
                : McpSchema.CallToolResult.builder().addTextContent("invalid arguments: query must be an integer").isError(true).build());
    }

    /** {@code status}: a second read-only tool, the one a breaking canary drops. */
    static SdkServer.Tool status() {
        return new SdkServer.Tool(McpSchema.Tool.builder()
                .name("status")
                .description("Service status")
                .inputSchema(Map.of("type", "object", "properties", Map.of()))
                .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(true).build())
                .build(),
                args -> McpSchema.CallToolResult.builder().addTextContent("ok").build());
    }

    private static McpSchema.CallToolResult answer(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).structuredContent(Map.of("answer", text)).build();
    }

    private static void pause(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
