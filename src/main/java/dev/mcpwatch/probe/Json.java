package dev.mcpwatch.probe;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON mapper the probe parses server output with. Its read constraints are part of the
 * probe's bounds: a server cannot make it recurse deeper than {@link #MAX_DEPTH} levels; sizes are
 * bounded earlier, by the byte caps of the transports. Numbers with a fraction or exponent are read
 * exactly, as BigDecimal: a double would turn {@code 1e999999} in a tool schema into Infinity, which
 * has no JSON spelling and no canonical form to fingerprint.
 */
public final class Json {
    /** Far above any real tool schema, far below what could exhaust a thread's stack. */
    public static final int MAX_DEPTH = 256;

    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses bytes from a server, or throws a {@code jsonrpc_parse_error} failure that says why. */
    static JsonNode parse(byte[] bytes, Phase phase, String what) {
        if (isBlank(bytes)) {
            throw new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, phase, what + " is empty, expected a JSON-RPC message");
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, phase, what + " is empty, expected a JSON-RPC message");
            }
            return node;
        } catch (JacksonException e) {
            throw new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, phase,
                    what + " is not valid JSON: " + firstLine(e.getOriginalMessage()));
        }
    }

    static JsonNode parse(String text, Phase phase, String what) {
        return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), phase, what);
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return Text.clip(nl < 0 ? s : s.substring(0, nl), 200);
    }
}
