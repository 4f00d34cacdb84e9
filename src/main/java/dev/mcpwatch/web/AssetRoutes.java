package dev.mcpwatch.web;

import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one stylesheet, from the jar, with an ETag and an hour of caching. */
public final class AssetRoutes implements Routes {
    private final byte[] css = read("/assets/mcpwatch.css");
    private final String etag = etag(css);

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/assets/mcpwatch.css", ctx -> {
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.header("ETag", etag);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.contentType("text/css; charset=utf-8");
            if (etag.equals(ctx.header("If-None-Match"))) {
                ctx.status(304);
            } else {
                ctx.result(css);
            }
        });
    }

    private static byte[] read(String resource) {
        try (InputStream in = AssetRoutes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] body) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 10) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
