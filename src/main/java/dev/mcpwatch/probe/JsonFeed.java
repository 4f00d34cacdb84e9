package dev.mcpwatch.probe;

import java.util.ArrayDeque;
import java.util.Deque;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses one JSON message from a server as its bytes arrive, and bounds what the parse builds, not
 * only the bytes: a 4 MiB answer of {@code [{},{},…]} is a million objects, 35–45 times its size in
 * heap. Every value is charged an estimate of the memory its node takes, and a message may build at
 * most {@link #MAX_TREE_BYTES}; a single text value, property name or number is bounded while it is
 * read. The tools of a {@code tools/list} result are turned into their compact form
 * ({@link ListedTool}) one by one as each is complete, so a page of tools never exists as a tree,
 * and their count and size are bounded by the probe's limits. Bytes must be strict UTF-8.
 *
 * <p>Uses Jackson's non-blocking parser, so the same code reads an HTTP body chunk by chunk, an SSE
 * event line by line and a stdio line as it comes, without first holding any of them whole.
 */
final class JsonFeed {
    /** What one message may build, by the estimate below; far above any honest MCP message but a tool list. */
    static final long MAX_TREE_BYTES = 1024 * 1024;
    /** A single text value: a tool description or a tool's answer, not a document. */
    static final int MAX_STRING_CHARS = 256 * 1024;
    static final int MAX_NAME_CHARS = 16 * 1024;
    static final int MAX_NUMBER_CHARS = 1_000;

    // Rough heap costs of Jackson's nodes (object header, map or list, entry), so that the budget means memory.
    private static final int OBJECT_COST = 64;
    private static final int ARRAY_COST = 40;
    private static final int ENTRY_COST = 48;
    private static final int VALUE_COST = 24;
    private static final int STRING_COST = 40;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Json.MAX_DEPTH)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNameLength(MAX_NAME_CHARS)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .build())
            // Nothing shared between parses: no table of property names and no pool of buffers that a
            // server could fill and that would outlive its probe.
            .disable(TokenStreamFactory.Feature.CANONICALIZE_PROPERTY_NAMES)
            .recyclerPool(JsonRecyclerPools.nonRecyclingPool())
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Why a message was refused, phrased for any transport: the caller names the message and the step. */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        enum Kind { EMPTY, NOT_UTF8, NOT_JSON, TOO_LARGE, TOOLS }

        private final Kind kind;
        private final String detail;

        Rejected(Kind kind, String detail) {
            super(kind + ": " + detail, null, false, false);
            this.kind = kind;
            this.detail = detail;
        }

        Kind kind() {
            return kind;
        }

        /** The failure this means for {@code what} ("Response to initialize", "stdout line in discover") in {@code phase}. */
        ProbeFailure failure(Phase phase, String what) {
            return switch (kind) {
                case EMPTY -> new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, phase, what + " is empty, expected a JSON-RPC message");
                case NOT_UTF8 -> new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, phase, what + " is not valid UTF-8");
                case NOT_JSON -> new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, phase, what + " is not valid JSON: " + detail);
                case TOO_LARGE -> new ProbeFailure(Reason.RESPONSE_TOO_LARGE, phase, what + " " + detail);
                case TOOLS -> new ProbeFailure(Reason.TOOLS_LIST_ERROR, phase, detail);
            };
        }
    }

    /** Where a container sits in a JSON-RPC message, as far as tool lists are concerned. */
    private enum Role { MESSAGE, BATCH, RESULT, TOOLS, TOOL, OTHER }

    private record Frame(JsonNode node, Role role, long costBefore) {}

    private final ProbeSpec.Limits limits;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final Utf8Check utf8 = new Utf8Check();
    private final Deque<Frame> open = new ArrayDeque<>();
    private String name;
    private JsonNode root;
    private long cost;
    private int tools;
    private long toolBytes;

    JsonFeed(ProbeSpec.Limits limits) {
        this.limits = limits;
        this.parser = FACTORY.createNonBlockingByteArrayParser(ObjectReadContext.empty());
        this.feeder = (ByteArrayFeeder) parser.nonBlockingInputFeeder();
    }

    /** Parses a whole message held in memory. */
    static JsonNode parse(byte[] bytes, ProbeSpec.Limits limits) {
        JsonFeed feed = new JsonFeed(limits);
        feed.feed(bytes, 0, bytes.length);
        return feed.finish();
    }

    /** Estimated heap the message built so far takes: its tree and the snapshots of its tools. */
    long cost() {
        return cost + toolBytes;
    }

    /** Parses these bytes as far as they go; throws {@link Rejected} as soon as the message cannot be kept. */
    void feed(byte[] bytes, int offset, int length) {
        if (length <= 0) {
            return;
        }
        if (!utf8.accept(bytes, offset, length)) {
            throw new Rejected(Rejected.Kind.NOT_UTF8, "");
        }
        try {
            feeder.feedInput(bytes, offset, offset + length);
            drain();
        } catch (StreamConstraintsException e) {
            throw constraint(e);
        } catch (JacksonException e) {
            throw new Rejected(Rejected.Kind.NOT_JSON, Json.firstLine(e.getOriginalMessage()));
        }
    }

    /** The message, once all its bytes are in. */
    JsonNode finish() {
        if (!utf8.complete()) {
            throw new Rejected(Rejected.Kind.NOT_UTF8, "");
        }
        try {
            feeder.endOfInput();
            drain();
        } catch (StreamConstraintsException e) {
            throw constraint(e);
        } catch (JacksonException e) {
            throw new Rejected(Rejected.Kind.NOT_JSON, Json.firstLine(e.getOriginalMessage()));
        } finally {
            parser.close();
        }
        if (root == null) {
            throw new Rejected(Rejected.Kind.EMPTY, "");
        }
        if (!open.isEmpty()) {
            throw new Rejected(Rejected.Kind.NOT_JSON, "it ends in the middle of the JSON value");
        }
        return root;
    }

    private void drain() {
        JsonToken token;
        while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            if (root != null && open.isEmpty()) {
                throw new Rejected(Rejected.Kind.NOT_JSON, "more follows the JSON value");
            }
            switch (token) {
                case START_OBJECT -> push(NODES.objectNode(), OBJECT_COST);
                case START_ARRAY -> push(NODES.arrayNode(), ARRAY_COST);
                case END_OBJECT, END_ARRAY -> pop();
                case PROPERTY_NAME -> {
                    name = parser.currentName();
                    charge(STRING_COST + 2L * name.length());
                }
                case VALUE_STRING -> {
                    String s = parser.getString();
                    add(NODES.stringNode(s), STRING_COST + 2L * s.length());
                }
                case VALUE_NUMBER_INT -> add(switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                }, VALUE_COST + parser.getString().length());
                // Exactly, as BigDecimal: a double would turn 1e999999 into Infinity, which has no JSON spelling.
                case VALUE_NUMBER_FLOAT -> add(NODES.numberNode(parser.getDecimalValue()), VALUE_COST + parser.getString().length());
                case VALUE_TRUE, VALUE_FALSE -> add(NODES.booleanNode(token == JsonToken.VALUE_TRUE), VALUE_COST);
                case VALUE_NULL -> add(NODES.nullNode(), VALUE_COST);
                default -> throw new Rejected(Rejected.Kind.NOT_JSON, "unexpected " + token);
            }
        }
    }

    private void push(JsonNode container, int containerCost) {
        Role role = roleOf(container);
        long before = cost;
        add(container, containerCost);
        open.push(new Frame(container, role, before));
    }

    /** Where a new container stands: the tool lists of responses are recognized by their path. */
    private Role roleOf(JsonNode container) {
        Frame parent = open.peek();
        if (parent == null) {
            return container.isArray() ? Role.BATCH : Role.MESSAGE;
        }
        return switch (parent.role()) {
            case BATCH -> container.isObject() ? Role.MESSAGE : Role.OTHER;
            case MESSAGE -> container.isObject() && "result".equals(name) ? Role.RESULT : Role.OTHER;
            case RESULT -> container.isArray() && "tools".equals(name) ? Role.TOOLS : Role.OTHER;
            case TOOLS -> container.isObject() ? Role.TOOL : Role.OTHER;
            default -> Role.OTHER;
        };
    }

    private void pop() {
        Frame done = open.pop();
        if (done.role() == Role.TOOL) {
            compact(done);
        }
    }

    /** Replaces a complete tool of a tool list by its snapshot and releases its tree. */
    private void compact(Frame tool) {
        if (!tool.node().path("name").isString()) {
            return; // left as it is: the conversation refuses a tool without a name, with the message it deserves
        }
        ListedTool listed = ListedTool.of(tool.node());
        long kept = listed.snapshot().size();
        if (++tools > limits.maxTools()) {
            throw new Rejected(Rejected.Kind.TOOLS, "tools/list listed more than " + limits.maxTools() + " tools");
        }
        toolBytes += kept;
        if (toolBytes > limits.maxToolBytes()) {
            throw new Rejected(Rejected.Kind.TOOLS, "tools/list definitions take more than " + limits.maxToolBytes()
                    + " bytes in all (" + tools + " tools so far)");
        }
        ArrayNode list = (ArrayNode) open.getFirst().node();
        list.set(list.size() - 1, NODES.pojoNode(listed));
        cost = tool.costBefore() + VALUE_COST; // the snapshot counts against the bound on tools, not on the tree
    }

    private void add(JsonNode value, long valueCost) {
        charge(valueCost);
        Frame parent = open.peek();
        if (parent == null) {
            root = value;
        } else if (parent.node() instanceof ObjectNode object) {
            charge(ENTRY_COST);
            object.set(name, value);
        } else {
            ((ArrayNode) parent.node()).add(value);
        }
    }

    private void charge(long bytes) {
        cost += bytes;
        if (cost > MAX_TREE_BYTES) {
            throw new Rejected(Rejected.Kind.TOO_LARGE, "expands to more than " + MAX_TREE_BYTES / 1024 + " KiB of parsed JSON"
                    + " (mcpwatch keeps at most that per message)");
        }
    }

    private static Rejected constraint(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        if (m.contains("nesting depth")) {
            return new Rejected(Rejected.Kind.NOT_JSON, "nesting depth exceeds " + Json.MAX_DEPTH + " levels");
        }
        if (m.contains("String value length")) {
            return new Rejected(Rejected.Kind.TOO_LARGE, "has a text value longer than " + MAX_STRING_CHARS + " characters");
        }
        if (m.contains("Name length")) {
            return new Rejected(Rejected.Kind.TOO_LARGE, "has a property name longer than " + MAX_NAME_CHARS + " characters");
        }
        if (m.contains("Number value length")) {
            return new Rejected(Rejected.Kind.TOO_LARGE, "has a number longer than " + MAX_NUMBER_CHARS + " digits");
        }
        return new Rejected(Rejected.Kind.TOO_LARGE, "goes past a bound on JSON (" + Json.firstLine(m) + ")");
    }
}
