package dev.mcpwatch.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * A bounded reader of a {@code text/event-stream} body (the WHATWG event-stream format). Bytes and
 * events both count against the probe's caps, so an endless or huge stream ends in a
 * {@code response_too_large} failure instead of in memory. An event's data that is JSON is parsed
 * as it arrives ({@link JsonFeed}), line by line, so a 4 MiB event is never held as text; other
 * data (the deprecated transport's endpoint URL) is kept as text, up to {@link #MAX_TEXT_BYTES}.
 */
final class SseReader {
    /** Data that is not JSON, and any other field's value, is kept up to this many bytes. */
    static final int MAX_TEXT_BYTES = 64 * 1024;
    private static final int MAX_FIELD_NAME = 64;
    private static final int MAX_FIELD_VALUE = 1024;

    /**
     * One dispatched event. {@code json} is its data when that is JSON, {@code text} otherwise (empty
     * for priming events); {@code cost} is what the parsed data takes in memory, roughly.
     */
    record Event(String id, String type, JsonNode json, String text, Long retryMs, long cost) {
        boolean isBlank() {
            return json == null && text.isBlank();
        }

        /** The data as text: the JSON in compact form, or the text as sent. */
        String data() {
            return json != null ? json.toString() : text;
        }
    }

    private final LineReader lines;
    private final int maxEvents;
    private final Phase phase;
    private final ProbeSpec.Limits limits;
    private final String what;
    private int events;
    private String lastEventId;

    // The line being read: its field name, then its value.
    private final ByteArrayOutputStream name = new ByteArrayOutputStream();
    private final ByteArrayOutputStream value = new ByteArrayOutputStream();
    private int bytesInLine;
    private boolean comment;
    private boolean inValue;
    private boolean skipSpace;
    private boolean isData;

    // The event being read.
    private boolean sawField;
    private String type;
    private Long retry;
    private int dataLines;
    private JsonFeed json;
    private ByteArrayOutputStream text;
    private final ByteArrayOutputStream undecided = new ByteArrayOutputStream();

    SseReader(InputStream in, long maxBytes, int maxEvents, Phase phase, ProbeSpec.Limits limits) {
        this.what = "SSE stream in " + phase.wireName();
        this.lines = new LineReader(in, maxBytes, maxBytes, phase, what);
        this.maxEvents = maxEvents;
        this.phase = phase;
        this.limits = limits;
    }

    /** The last event id seen, for resuming a legacy stream with {@code Last-Event-ID}. */
    String lastEventId() {
        return lastEventId;
    }

    /**
     * The next event, or null when the stream ends. Data that is JSON but not valid, or too large to
     * keep, throws {@link JsonFeed.Rejected} for the caller to name.
     */
    Event next() throws IOException {
        startEvent();
        while (true) {
            startLine();
            if (!lines.readLine(this::take)) {
                return null; // an unterminated event at the end of the stream is dropped, as the format says
            }
            if (bytesInLine == 0) {
                if (!sawField) {
                    continue;
                }
                if (++events > maxEvents) {
                    throw new ProbeFailure(Reason.RESPONSE_TOO_LARGE, phase, "SSE stream in " + phase.wireName()
                            + " sent more than " + maxEvents + " events without the response");
                }
                return dispatch();
            }
            endLine();
        }
    }

    private void startEvent() {
        sawField = false;
        type = null;
        retry = null;
        dataLines = 0;
        json = null;
        text = null;
        undecided.reset();
    }

    private void startLine() {
        name.reset();
        value.reset();
        bytesInLine = 0;
        comment = false;
        inValue = false;
        skipSpace = false;
        isData = false;
    }

    /** Takes a piece of the current line: the field name up to ':', then the value, data straight to the event. */
    private void take(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        if (bytesInLine == 0 && bytes[i] == ':') {
            comment = true; // a comment, used as keep-alive
        }
        bytesInLine += length;
        if (comment) {
            return;
        }
        while (i < end && !inValue) {
            byte b = bytes[i++];
            if (b == ':') {
                inValue = true;
                skipSpace = true;
                isData = fieldName().equals("data");
                if (isData) {
                    dataLineStarts();
                }
            } else if (name.size() <= MAX_FIELD_NAME) {
                name.write(b);
            }
        }
        if (i < end && skipSpace) {
            skipSpace = false;
            if (bytes[i] == ' ') {
                i++;
            }
        }
        if (i >= end) {
            return;
        }
        if (isData) {
            data(bytes, i, end - i);
        } else if (value.size() <= MAX_FIELD_VALUE) {
            value.write(bytes, i, Math.min(end - i, MAX_FIELD_VALUE + 1 - value.size()));
        }
    }

    /** A line that ended: a field without a colon is a field with an empty value. */
    private void endLine() {
        if (comment) {
            return;
        }
        sawField = true;
        String field = fieldName();
        if (!inValue && field.equals("data")) {
            dataLineStarts();
            return;
        }
        if (value.size() > MAX_FIELD_VALUE) {
            return; // no real event type, id or retry is that long: ignored, as an invalid field would be
        }
        String v = inValue ? decode(value.toByteArray()) : "";
        switch (field) {
            case "event" -> type = v;
            case "id" -> {
                if (v.indexOf('\0') < 0) {
                    lastEventId = v;
                }
            }
            case "retry" -> {
                if (!v.isEmpty() && v.length() < 10 && v.chars().allMatch(Character::isDigit)) {
                    retry = Long.parseLong(v);
                }
            }
            default -> { } // unknown fields, and data (already taken), need nothing more
        }
    }

    /** A data line begins: lines of one event's data are joined with a line feed. */
    private void dataLineStarts() {
        if (dataLines++ > 0) {
            data(new byte[] {'\n'}, 0, 1);
        }
    }

    /** Data bytes: JSON goes to the parser as it comes; anything else is kept as text, up to a cap. */
    private void data(byte[] bytes, int offset, int length) {
        if (json != null) {
            json.feed(bytes, offset, length);
            return;
        }
        if (text == null) {
            int i = offset;
            while (i < offset + length && isJsonSpace(bytes[i])) {
                i++;
            }
            if (i == offset + length) {
                keep(undecided, bytes, offset, length);
                return;
            }
            if (bytes[i] == '{' || bytes[i] == '[') {
                json = new JsonFeed(limits);
                json.feed(bytes, i, offset + length - i);
                return;
            }
            text = new ByteArrayOutputStream();
            keep(text, undecided.toByteArray(), 0, undecided.size());
        }
        keep(text, bytes, offset, length);
    }

    private void keep(ByteArrayOutputStream into, byte[] bytes, int offset, int length) {
        if (into.size() + length > MAX_TEXT_BYTES) {
            throw new ProbeFailure(Reason.RESPONSE_TOO_LARGE, phase, "SSE event in " + phase.wireName() + " sent more than "
                    + MAX_TEXT_BYTES + " bytes of data that is not JSON");
        }
        into.write(bytes, offset, length);
    }

    private Event dispatch() {
        String eventType = type == null || type.isEmpty() ? "message" : type;
        if (json != null) {
            JsonNode node = json.finish();
            return new Event(lastEventId, eventType, node, null, retry, json.cost());
        }
        String data = text != null ? decode(text.toByteArray()) : decode(undecided.toByteArray());
        return new Event(lastEventId, eventType, null, data, retry, data.length());
    }

    private String fieldName() {
        return decode(name.toByteArray());
    }

    private static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, phase, what + " is not valid UTF-8");
        }
    }
}
