package dev.mcpwatch.probe;

import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Building JSON-RPC 2.0 messages and checking that what came back is a well-formed response. */
final class JsonRpc {
    /** Errors only a modern (2026-07-28+) server sends: header mismatch, missing capability, unsupported version. */
    static final int HEADER_MISMATCH = -32020;
    static final int MISSING_CLIENT_CAPABILITY = -32021;
    static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;
    static final Set<Integer> MODERN_ERRORS = Set.of(HEADER_MISMATCH, MISSING_CLIENT_CAPABILITY, UNSUPPORTED_PROTOCOL_VERSION);
    static final int METHOD_NOT_FOUND = -32601;

    private JsonRpc() {}

    static ObjectNode request(long id, String method, ObjectNode params) {
        ObjectNode msg = Json.object();
        msg.put("jsonrpc", "2.0");
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", params == null ? Json.object() : params);
        return msg;
    }

    static ObjectNode notification(String method) {
        ObjectNode msg = Json.object();
        msg.put("jsonrpc", "2.0");
        msg.put("method", method);
        return msg;
    }

    static ObjectNode result(JsonNode id, ObjectNode result) {
        ObjectNode msg = Json.object();
        msg.put("jsonrpc", "2.0");
        msg.set("id", id);
        msg.set("result", result);
        return msg;
    }

    static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode msg = Json.object();
        msg.put("jsonrpc", "2.0");
        msg.set("id", id);
        ObjectNode err = msg.putObject("error");
        err.put("code", code);
        err.put("message", message);
        return msg;
    }

    /** A message the server sent that is not the response we wait for: a notification or a request. */
    static boolean isServerMessage(JsonNode node) {
        return node.isObject() && node.has("method");
    }

    /** A request from the server to us (has both method and id). */
    static boolean isServerRequest(JsonNode node) {
        return isServerMessage(node) && node.has("id") && !node.get("id").isNull();
    }

    /** The id of a response object, if it is one, or null. */
    static JsonNode responseId(JsonNode node) {
        return node.isObject() && !node.has("method") ? node.get("id") : null;
    }

    /**
     * Reads the response to request {@code id} from a parsed message (a single response or a batch),
     * or throws {@code jsonrpc_invalid} naming what is wrong with it.
     */
    static RpcReply reply(JsonNode node, long id, Phase phase, int httpStatus) {
        if (node.isArray()) {
            for (JsonNode item : node) {
                JsonNode itemId = responseId(item);
                if (itemId != null && itemId.isIntegralNumber() && itemId.asLong() == id) {
                    return reply(item, id, phase, httpStatus);
                }
            }
            throw invalid(phase, "batch response has no reply to request " + id);
        }
        if (!node.isObject()) {
            throw invalid(phase, "expected a JSON-RPC object, got " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!"2.0".equals(node.path("jsonrpc").stringValue(null))) {
            throw invalid(phase, "response lacks \"jsonrpc\": \"2.0\"");
        }
        boolean hasResult = node.has("result");
        boolean hasError = node.has("error");
        if (hasResult == hasError) {
            throw invalid(phase, hasResult ? "response has both result and error" : "response has neither result nor error");
        }
        if (hasError) {
            JsonNode err = node.get("error");
            if (!err.isObject() || !err.path("code").isIntegralNumber()) {
                throw invalid(phase, "error object lacks an integer code");
            }
            // An error may carry a null id when the server could not read ours (parse errors, header checks).
            JsonNode errId = node.get("id");
            if (errId != null && !errId.isNull() && !(errId.isIntegralNumber() && errId.asLong() == id)) {
                throw invalid(phase, "error response id " + Text.clip(errId.toString(), 40) + " does not match request id " + id);
            }
            return RpcReply.error(new RpcError(err.get("code").asInt(), err.path("message").stringValue(""), err.get("data")), httpStatus);
        }
        JsonNode respId = node.get("id");
        if (respId == null || !respId.isIntegralNumber() || respId.asLong() != id) {
            throw invalid(phase, "response id " + (respId == null ? "is missing" : Text.clip(respId.toString(), 40) + " does not match request id " + id));
        }
        JsonNode result = node.get("result");
        if (!result.isObject()) {
            throw invalid(phase, "result is not an object");
        }
        return RpcReply.ok(result, httpStatus);
    }

    private static ProbeFailure invalid(Phase phase, String what) {
        return new ProbeFailure(Reason.JSONRPC_INVALID, phase, "Invalid JSON-RPC in " + phase.wireName() + ": " + what);
    }

    /** A JSON-RPC error object. */
    record RpcError(int code, String message, JsonNode data) {
        String describe() {
            return code + " " + Text.clip(message, 200);
        }
    }

    /** A response: either a result object or an error, and the HTTP status it came with (0 off HTTP). */
    record RpcReply(JsonNode result, RpcError error, int httpStatus) {
        static RpcReply ok(JsonNode result, int httpStatus) {
            return new RpcReply(result, null, httpStatus);
        }

        static RpcReply error(RpcError error, int httpStatus) {
            return new RpcReply(null, error, httpStatus);
        }

        boolean isError() {
            return error != null;
        }
    }
}
