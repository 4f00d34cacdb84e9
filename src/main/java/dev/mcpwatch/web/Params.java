package dev.mcpwatch.web;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/** Query parameters, read with a clear 400 when one is malformed. Cursors are opaque base64url text. */
final class Params {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    private Params() {}

    static int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > MAX_LIMIT) {
                throw ApiError.badRequest("limit must be between 1 and " + MAX_LIMIT + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("limit must be a number, got '" + v + "'");
        }
    }

    /** A time as epoch milliseconds or ISO-8601 ({@code 2026-11-21T10:00:00Z}). */
    static Long time(Context ctx, String name) {
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
            throw ApiError.badRequest(name + " must be epoch milliseconds or an ISO-8601 time like 2026-11-21T10:00:00Z, got '" + v + "'");
        }
    }

    static String encode(String cursor) {
        return cursor == null ? null : Base64.getUrlEncoder().withoutPadding().encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(Context ctx) {
        String v = ctx.queryParam("cursor");
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(v), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("cursor is not one this API gave out; pass next_cursor from the previous page");
        }
    }

    static long[] pair(String cursor) {
        if (cursor == null) {
            return null;
        }
        String[] parts = cursor.split(":");
        try {
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (RuntimeException e) {
            throw ApiError.badRequest("cursor is not one this API gave out; pass next_cursor from the previous page");
        }
    }
}
