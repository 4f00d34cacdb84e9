package dev.mcpwatch.status;

import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Public answers (pages, JSON, feeds, badges) rendered once per {@link #TTL_MS} and served from
 * memory, with an ETag so a browser or CDN that has the same bytes gets a 304. The TTL is short
 * enough that an incident shows within seconds and long enough that a crowd reading the page during
 * an outage costs one render, not one per visitor. An operator's update drops the cache at once.
 */
final class Cached {
    static final long TTL_MS = 5_000;
    static final String CACHE_CONTROL = "public, max-age=10, stale-while-revalidate=30";

    /** Renders an answer: its bytes and content type. */
    @FunctionalInterface
    interface Renderer {
        Answer render() throws Exception;
    }

    record Answer(byte[] body, String contentType, int status) {}

    private record Entry(Answer answer, String etag, long at) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final InstantSource clock;

    Cached(InstantSource clock) {
        this.clock = clock;
    }

    void serve(Context ctx, String key, Renderer renderer) throws Exception {
        long now = clock.millis();
        Entry e = entries.get(key);
        if (e == null || now - e.at() > TTL_MS) {
            Answer a = renderer.render();
            e = new Entry(a, etag(a.body()), now);
            if (entries.size() > 10_000) {
                entries.clear(); // keys come from URLs; bound what strangers can make us keep
            }
            entries.put(key, e);
        }
        ctx.header("Cache-Control", CACHE_CONTROL);
        ctx.header("ETag", e.etag());
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(e.answer().contentType());
        String match = ctx.header("If-None-Match");
        if (match != null && (match.equals(e.etag()) || match.equals("W/" + e.etag()))) {
            ctx.status(304);
            return;
        }
        ctx.status(e.answer().status());
        ctx.result(e.answer().body());
    }

    void clear() {
        entries.clear();
    }

    private static String etag(byte[] body) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
