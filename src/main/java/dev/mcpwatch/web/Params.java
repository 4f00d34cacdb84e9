package dev.mcpwatch.web;

import dev.mcpwatch.probe.Json;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Query parameters and JSON bodies of the API, read the same way by every feature's routes, with a clear 400 when
 * one is malformed. Cursors are opaque base64url text.
 */
public final class Params {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 500;

    private Params() {}

    public static int limit(Context ctx) {
        return limit(ctx.queryParam("limit"));
    }

    /** A page size as given ({@code null}: the default), checked against the bounds every list shares. */
    public static int limit(String v) {
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number, got '" + v + "'");
        }
    }

    /** A time as epoch milliseconds or ISO-8601 ({@code 2026-11-21T10:00:00Z}). */
    public static Long time(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.matches("\\d{1,15}")) {
            return Long.parseLong(v);
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be epoch milliseconds or an ISO-8601 time like 2026-11-21T10:00:00Z, got '" + v + "'");
        }
    }

    public static String encode(String cursor) {
        return cursor == null ? null : Base64.getUrlEncoder().withoutPadding().encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
    }

    public static String decode(Context ctx) {
        return decode(ctx.queryParam("cursor"));
    }

    /** A cursor this API gave out ({@code next_cursor}) back to what it stands for; null for none. */
    public static String decode(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(v), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not one this API gave out; pass next_cursor from the previous page");
        }
    }

    /** The cursor of a list paged by id, newest first. */
    public static Long idCursor(Context ctx) {
        return idCursor(ctx.queryParam("cursor"));
    }

    /** The cursor, as given out, of a list paged by id, newest first. */
    public static Long idCursor(String given) {
        String cursor = decode(given);
        try {
            return cursor == null ? null : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cursor is not one this API gave out; pass next_cursor from the previous page");
        }
    }

    /**
     * One page as the API answers it: up to {@code limit} items, and {@code next_cursor}, the cursor
     * of the last item shown, when {@code rows} (read with {@code limit + 1}) had more; else null.
     */
    public static <T> Map<String, Object> page(List<T> rows, int limit, Function<T, String> cursor) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", rows.size() > limit ? rows.subList(0, limit) : rows);
        out.put("next_cursor", rows.size() > limit ? encode(cursor.apply(rows.get(limit - 1))) : null);
        return out;
    }

    public static long[] pair(String cursor) {
        if (cursor == null) {
            return null;
        }
        String[] parts = cursor.split(":");
        try {
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cursor is not one this API gave out; pass next_cursor from the previous page");
        }
    }

    /** The request's body, which must be one JSON object. */
    public static ObjectNode jsonObject(Context ctx) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(ctx.body());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        return (ObjectNode) n;
    }
}
