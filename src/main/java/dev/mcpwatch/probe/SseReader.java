package dev.mcpwatch.probe;

import java.io.IOException;
import java.io.InputStream;

/**
 * A bounded reader of a {@code text/event-stream} body (the WHATWG event-stream format). Bytes and
 * events both count against the probe's caps, so an endless or huge stream ends in a
 * {@code response_too_large} failure instead of in memory.
 */
final class SseReader {
    /** One dispatched event. {@code data} is empty for priming events. */
    record Event(String id, String type, String data, Long retryMs) {}

    private final LineReader lines;
    private final int maxEvents;
    private final Phase phase;
    private int events;
    private String lastEventId;

    SseReader(InputStream in, long maxBytes, int maxEvents, Phase phase) {
        this.lines = new LineReader(in, maxBytes, maxBytes, phase, "SSE stream in " + phase.wireName());
        this.maxEvents = maxEvents;
        this.phase = phase;
    }

    /** The last event id seen, for resuming a legacy stream with {@code Last-Event-ID}. */
    String lastEventId() {
        return lastEventId;
    }

    /** The next event, or null when the stream ends. */
    Event next() throws IOException {
        StringBuilder data = null;
        String type = null;
        Long retry = null;
        boolean sawField = false;
        while (true) {
            String line = lines.readLine();
            if (line == null) {
                return null; // an unterminated event at the end of the stream is dropped, as the format says
            }
            if (line.isEmpty()) {
                if (!sawField) {
                    continue;
                }
                if (++events > maxEvents) {
                    throw new ProbeFailure(Reason.RESPONSE_TOO_LARGE, phase, "SSE stream in " + phase.wireName()
                            + " sent more than " + maxEvents + " events without the response");
                }
                return new Event(lastEventId, type == null || type.isEmpty() ? "message" : type,
                        data == null ? "" : data.toString(), retry);
            }
            if (line.charAt(0) == ':') {
                continue; // a comment, used as keep-alive
            }
            sawField = true;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "event" -> type = value;
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        lastEventId = value;
                    }
                }
                case "retry" -> {
                    if (!value.isEmpty() && value.length() < 10 && value.chars().allMatch(Character::isDigit)) {
                        retry = Long.parseLong(value);
                    }
                }
                default -> { } // unknown fields are ignored, as the format says
            }
        }
    }
}
