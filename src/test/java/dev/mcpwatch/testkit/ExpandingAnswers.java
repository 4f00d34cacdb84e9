package dev.mcpwatch.testkit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * JSON-RPC answers that stay under the 4 MiB response cap but would expand into millions of JSON
 * nodes: an array of a million empty objects, a tools/list page of 70,000 small tools, tools/list
 * pages of 3.9 MB each that never end. Written on the fly from small buffers, so a test can serve
 * dozens at once from a 96 MB heap: the fixture must not need the memory it attacks with.
 */
public final class ExpandingAnswers {
    /** Just under the probe's 4 MiB cap, as in the report: 4 MB. */
    public static final long FOUR_MB = 4_000_000;

    private ExpandingAnswers() {}

    /** {@code {"jsonrpc":"2.0","id":…,"result":{"x":[{},{},…]}}} of {@code bytes} bytes, with its Content-Length. */
    public static ScriptedMcp.Step emptyObjects(long bytes) {
        return emptyObjects(bytes, null);
    }

    /** The same, sent once {@code together} has counted down (every probe of a fleet has asked), or after 20 s. */
    public static ScriptedMcp.Step emptyObjects(long bytes, CountDownLatch together) {
        return (http, msg) -> {
            String head = "{\"jsonrpc\":\"2.0\",\"id\":" + id(msg) + ",\"result\":{\"x\":[{}";
            String tail = "]}}";
            long objects = (bytes - head.length() - tail.length()) / 3;
            await(together);
            try (OutputStream out = http.stream(200, "application/json", head.length() + objects * 3 + tail.length())) {
                out.write(ascii(head));
                repeat(out, ",{}", objects);
                out.write(ascii(tail));
            }
        };
    }

    /** A tools/list page of {@code count} tools like {@code {"name":"t1","inputSchema":{"type":"object"}}}, 3.6 MB for 70,000. */
    public static ScriptedMcp.Step smallTools(int count) {
        return smallTools(count, null);
    }

    public static ScriptedMcp.Step smallTools(int count, CountDownLatch together) {
        return (http, msg) -> {
            await(together);
            try (OutputStream out = new BufferedOutputStream(http.stream(200, "application/json"), 64 * 1024)) {
                out.write(ascii("{\"jsonrpc\":\"2.0\",\"id\":" + id(msg) + ",\"result\":{\"tools\":["));
                for (int i = 0; i < count; i++) {
                    out.write(ascii((i == 0 ? "" : ",") + "{\"name\":\"t" + i + "\",\"inputSchema\":{\"type\":\"object\"}}"));
                }
                out.write(ascii("]}}"));
            }
        };
    }

    /**
     * tools/list pages of {@code pageBytes} bytes each, with a next cursor that never repeats: a list
     * that would go on for twenty pages of 3.9 MB and more. Each page has {@code toolsPerPage} tools
     * with descriptions of {@code descriptionBytes}; whitespace between them fills the page.
     */
    public static ScriptedMcp.Step endlessPages(long pageBytes, int toolsPerPage, int descriptionBytes, CountDownLatch together) {
        return (http, msg) -> {
            String cursor = msg.path("params").path("cursor").asString("page-0");
            int page = Integer.parseInt(cursor.substring("page-".length()));
            if (page == 0) {
                await(together);
            }
            String head = "{\"jsonrpc\":\"2.0\",\"id\":" + id(msg) + ",\"result\":{\"nextCursor\":\"page-" + (page + 1) + "\",\"tools\":[";
            try (OutputStream out = new BufferedOutputStream(http.stream(200, "application/json"), 64 * 1024)) {
                long written = head.length();
                out.write(ascii(head));
                for (int i = 0; i < toolsPerPage; i++) {
                    String start = (i == 0 ? "" : ",") + "{\"name\":\"p" + page + "t" + i + "\",\"description\":\"";
                    String end = "\",\"inputSchema\":{\"type\":\"object\"}}";
                    out.write(ascii(start));
                    repeat(out, "d", descriptionBytes);
                    out.write(ascii(end));
                    written += start.length() + descriptionBytes + end.length();
                }
                repeat(out, " ", Math.max(0, pageBytes - written - 3));
                out.write(ascii("]}}"));
            }
        };
    }

    private static void await(CountDownLatch together) throws InterruptedException {
        if (together != null) {
            together.countDown();
            together.await(20, TimeUnit.SECONDS);
        }
    }

    /** Writes {@code unit} {@code times} times from one reused 64 KB buffer. */
    private static void repeat(OutputStream out, String unit, long times) throws IOException {
        byte[] one = ascii(unit);
        int perChunk = Math.max(1, 64 * 1024 / one.length);
        byte[] chunk = new byte[perChunk * one.length];
        for (int i = 0; i < perChunk; i++) {
            System.arraycopy(one, 0, chunk, i * one.length, one.length);
        }
        for (long left = times; left > 0; left -= perChunk) {
            out.write(chunk, 0, (int) Math.min(perChunk, left) * one.length);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String id(JsonNode msg) {
        return msg.get("id").toString();
    }
}
