package dev.mcpwatch.agent;

import dev.mcpwatch.auth.AuthService;
import java.sql.SQLException;
import java.util.Map;

/**
 * One tool of mcpwatch's MCP endpoint, the same for both protocol eras: its name, what it is for, the
 * JSON Schemas of its arguments and of its structured result, whether it changes anything (then only
 * a token allowed to write may call it), and what it does.
 */
record AgentTool(String name, String title, String description, Map<String, Object> inputSchema, Map<String, Object> outputSchema,
        boolean writes, Handler handler) {

    @FunctionalInterface
    interface Handler {
        /**
         * The tool's structured result. Throws IllegalArgumentException (a bad argument, named),
         * NoSuchElementException (no such monitor or incident) or IllegalStateException (cannot be done
         * now), each with a sentence the agent can act on.
         */
        Map<String, Object> call(Arguments arguments, AuthService.Principal caller) throws SQLException;
    }
}
