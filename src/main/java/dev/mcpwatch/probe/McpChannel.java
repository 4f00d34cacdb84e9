package dev.mcpwatch.probe;

import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * One transport's way of carrying JSON-RPC for a probe. A channel is used by one probe and then
 * closed. Every method is bounded by the step limit it is given and by the probe's deadline, and
 * throws {@link ProbeFailure} for anything that is not a JSON-RPC response to the request.
 */
interface McpChannel extends AutoCloseable {

    /** Gets ready: nothing for streamable HTTP, the event stream for SSE, the process for stdio. */
    void open();

    /**
     * Sends a request and waits for its response, skipping notifications and answering server
     * requests on the way. A JSON-RPC error comes back as a reply, not as an exception.
     */
    JsonRpc.RpcReply call(Phase phase, ObjectNode request, Map<String, String> headers, Duration limit);

    /** Sends a notification. */
    void notify(Phase phase, ObjectNode notification, Map<String, String> headers, Duration limit);

    /** Ends the session, the stream or the process. Never throws. */
    @Override
    void close();
}
