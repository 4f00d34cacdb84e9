package dev.mcpwatch.probe;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * mcpwatch's JSON mapper, and the parsing of what servers send. Server output is parsed by
 * {@link JsonFeed}, which bounds what a parse builds (nesting at most {@link #MAX_DEPTH} levels, a
 * memory budget per message, the tools of a tool list); the mapper's own read constraints keep
 * the same nesting bound for everything else. Numbers with a fraction or exponent are read
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

    /**
     * Parses bytes from a server within the probe's bounds on what a parse may build ({@link
     * JsonFeed}), or throws the failure that says why not: {@code jsonrpc_parse_error},
     * {@code response_too_large} or, for a tool list, {@code tools_list_error}.
     */
    static JsonNode parse(byte[] bytes, Phase phase, String what) {
        try {
            return JsonFeed.parse(bytes, ProbeSpec.Limits.DEFAULT);
        } catch (JsonFeed.Rejected r) {
            throw r.failure(phase, what);
        }
    }

    static JsonNode parse(String text, Phase phase, String what) {
        return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), phase, what);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return Text.clip(nl < 0 ? s : s.substring(0, nl), 200);
    }
}
