package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event-stream reader on its own: the WHATWG format as servers really send it (any line end,
 * comments as keep-alives, priming events, retry and id), and its bounds (events, bytes, UTF-8,
 * what the JSON of an event may build).
 */
class SseReaderTest {
    private static final long ONE_MB = 1024 * 1024;
    private static final ProbeSpec.Limits LIMITS = ProbeSpec.Limits.DEFAULT;

    /** An event as a test compares it: the data as text (JSON in compact form). */
    record Seen(String id, String type, String data, Long retryMs) {
        static Seen of(SseReader.Event e) {
            return new Seen(e.id(), e.type(), e.data(), e.retryMs());
        }
    }

    @ParameterizedTest(name = "line end {0}")
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void linesMayEndInLfCrLfOrCr(String eol) {
        String stream = String.join(eol, "event: message", "id: 7", "data: {\"a\":1}", "", "data: second", "", "");

        assertThat(events(stream)).containsExactly(
                new Seen("7", "message", "{\"a\":1}", null),
                new Seen("7", "message", "second", null));
    }

    @Test
    void crLfSplitAcrossTwoReadsIsOneLineEnd() {
        // Read one byte at a time, the LF of each CRLF arrives alone. Taken for a blank line, it would
        // split the event in two.
        InputStream trickle = oneByteAtATime("data: first\r\ndata: second\r\n\r\n".getBytes(StandardCharsets.UTF_8));

        assertThat(events(new SseReader(trickle, ONE_MB, 100, Phase.INITIALIZE, LIMITS)))
                .containsExactly(new Seen(null, "message", "first\nsecond", null));
    }

    @Test
    void multiLineDataIsJoinedWithNewlines() {
        assertThat(events("data: first\ndata:second\ndata\n\n")).extracting(Seen::data).containsExactly("first\nsecond\n");
    }

    @Test
    void jsonDataOverSeveralLinesIsParsedAsItArrives() throws IOException {
        SseReader.Event event = reader("data: {\"jsonrpc\":\"2.0\",\ndata:\"id\":1,\ndata:\"result\":{}}\n\n").next();

        assertThat(event.json()).isNotNull();
        assertThat(event.json().path("id").asInt()).isEqualTo(1);
        assertThat(event.text()).isNull();
        assertThat(event.cost()).isPositive();
    }

    @Test
    void jsonDataThatExpandsPastWhatAMessageMayBuildIsRefusedBeforeTheEventEnds() {
        // 4 MB of {} in one event: a million objects if it were all parsed.
        InputStream endlessObjects = new java.io.SequenceInputStream(stream("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"x\":["),
                new InputStream() {
                    private long sent;

                    @Override
                    public int read() {
                        return sent < 4_000_000 ? "{},".charAt((int) (sent++ % 3)) : -1;
                    }
                });
        SseReader reader = new SseReader(endlessObjects, 8 * ONE_MB, 100, Phase.INITIALIZE, LIMITS);

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(JsonFeed.Rejected.class, r -> assertThat(
                r.failure(Phase.INITIALIZE, "SSE event in initialize").failure()).isEqualTo(new Failure(Reason.RESPONSE_TOO_LARGE,
                        Phase.INITIALIZE, "SSE event in initialize expands to more than 1024 KiB of parsed JSON (mcpwatch keeps at most "
                                + "that per message)")));
    }

    @Test
    void dataThatIsNotJsonIsKeptOnlyUpToItsCap() {
        SseReader reader = reader("event: endpoint\ndata: /messages?" + "x".repeat(SseReader.MAX_TEXT_BYTES) + "\n\n");

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(ProbeFailure.class, f -> assertThat(f.failure()).isEqualTo(
                new Failure(Reason.RESPONSE_TOO_LARGE, Phase.INITIALIZE, "SSE event in initialize sent more than 65536 bytes of data "
                        + "that is not JSON")));
    }

    @Test
    void commentsAreKeepAlivesNotEvents() {
        assertThat(events(": keep-alive\n\n:\n\ndata: x\n: a comment inside an event\ndata: y\n\n: bye\n\n"))
                .containsExactly(new Seen(null, "message", "x\ny", null));
    }

    @Test
    void retryIsReadOnlyWhenItIsAllDigits() {
        assertThat(events("retry: 3000\ndata: a\n\nretry: 3s\ndata: b\n\nretry:\ndata: c\n\n"))
                .extracting(Seen::retryMs)
                .containsExactly(3000L, null, null);
    }

    @Test
    void idIsKeptAcrossEventsForResumingButNotWhenItHoldsNul() {
        SseReader reader = reader("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid: x\0y\ndata: d\n\n");

        assertThat(events(reader)).extracting(Seen::id).containsExactly("1", "1", "2", "2");
        assertThat(reader.lastEventId()).isEqualTo("2");
    }

    @Test
    void primingEventWithEmptyDataIsAnEventWithEmptyData() {
        assertThat(events("id: prime-1\ndata: \n\nevent: endpoint\ndata: /messages?session=1\n\n")).containsExactly(
                new Seen("prime-1", "message", "", null),
                new Seen("prime-1", "endpoint", "/messages?session=1", null));
    }

    @Test
    void unknownFieldsAreIgnoredAndAnUnterminatedLastEventIsDropped() {
        assertThat(events("foo: bar\ndata: whole\n\ndata: cut off"))
                .containsExactly(new Seen(null, "message", "whole", null));
    }

    @Test
    void multiByteCharactersSplitAcrossReadsDecode() {
        InputStream trickle = oneByteAtATime("data: héllo ✓ 𝄞\n\n".getBytes(StandardCharsets.UTF_8));

        assertThat(events(new SseReader(trickle, ONE_MB, 100, Phase.INITIALIZE, LIMITS)))
                .extracting(Seen::data).containsExactly("héllo ✓ 𝄞");
    }

    @Test
    void eventCapEndsTheStreamAsResponseTooLarge() throws IOException {
        SseReader reader = new SseReader(stream("data: n\n\n".repeat(10)), ONE_MB, 3, Phase.INITIALIZE, LIMITS);
        for (int i = 0; i < 3; i++) {
            assertThat(reader.next()).isNotNull();
        }

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(ProbeFailure.class, f -> assertThat(f.failure()).isEqualTo(
                new Failure(Reason.RESPONSE_TOO_LARGE, Phase.INITIALIZE, "SSE stream in initialize sent more than 3 events without the response")));
    }

    @Test
    void byteCapCountsCommentsToo() {
        SseReader reader = new SseReader(stream(": keep-alive\n".repeat(1000)), 1024, 100, Phase.TOOLS_LIST, LIMITS);

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(ProbeFailure.class, f -> assertThat(f.failure()).isEqualTo(
                new Failure(Reason.RESPONSE_TOO_LARGE, Phase.TOOLS_LIST, "SSE stream in tools_list exceeded 1024 bytes")));
    }

    @Test
    void endlessLineIsResponseTooLargeAtTheCapWithoutWaitingForItsEnd() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        SseReader reader = new SseReader(endless, 64 * 1024, 100, Phase.INITIALIZE, LIMITS);

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(ProbeFailure.class, f -> assertThat(f.failure()).isEqualTo(
                new Failure(Reason.RESPONSE_TOO_LARGE, Phase.INITIALIZE, "SSE stream in initialize exceeded 65536 bytes")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"C328", "FF", "C0AF", "EDA080", "F4908080", "E282"})
    void invalidUtf8IsAParseError(String hex) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.writeBytes("data: {\"x\":\"".getBytes(StandardCharsets.UTF_8));
        json.writeBytes(HexFormat.of().parseHex(hex));
        json.writeBytes("\"}\n\n".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.writeBytes("event: endpoint\ndata: /messages?x=".getBytes(StandardCharsets.UTF_8));
        text.writeBytes(HexFormat.of().parseHex(hex));
        text.writeBytes("\n\n".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(new SseReader(new ByteArrayInputStream(json.toByteArray()), ONE_MB, 100, Phase.INITIALIZE, LIMITS)::next)
                .isInstanceOfSatisfying(JsonFeed.Rejected.class, r -> assertThat(r.failure(Phase.INITIALIZE, "SSE stream in initialize")
                        .failure()).isEqualTo(new Failure(Reason.JSONRPC_PARSE_ERROR, Phase.INITIALIZE,
                                "SSE stream in initialize is not valid UTF-8")));
        assertThatThrownBy(new SseReader(new ByteArrayInputStream(text.toByteArray()), ONE_MB, 100, Phase.INITIALIZE, LIMITS)::next)
                .isInstanceOfSatisfying(ProbeFailure.class, f -> assertThat(f.failure()).isEqualTo(
                        new Failure(Reason.JSONRPC_PARSE_ERROR, Phase.INITIALIZE, "SSE stream in initialize is not valid UTF-8")));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static SseReader reader(String text) {
        return new SseReader(stream(text), ONE_MB, 100, Phase.INITIALIZE, LIMITS);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Seen> events(String text) {
        return events(reader(text));
    }

    private static List<Seen> events(SseReader reader) {
        List<Seen> out = new ArrayList<>();
        try {
            for (SseReader.Event e = reader.next(); e != null; e = reader.next()) {
                out.add(Seen.of(e));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A stream that hands out one byte per read, as a slow network might. */
    private static InputStream oneByteAtATime(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(1, len));
            }
        };
    }
}
