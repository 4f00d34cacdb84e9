package dev.mcpwatch.metrics;

import dev.mcpwatch.config.MetricsSettings;
import dev.mcpwatch.web.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the registry in the format the scraper asks for by {@code Accept} —
 * OpenMetrics for Prometheus' default, the Prometheus text format otherwise (protobuf is never
 * chosen: it is not in this build). Who may read it is {@code web.metrics} (see
 * {@link MetricsSettings}); it is outside the dashboard's login, so a scraper needs no session.
 */
public final class MetricsRoutes implements Routes {
    private final PrometheusRegistry registry;
    private final Supplier<MetricsSettings> settings;
    private final ExpositionFormats formats = ExpositionFormats.init();

    public MetricsRoutes(PrometheusRegistry registry, Supplier<MetricsSettings> settings) {
        this.registry = registry;
        this.settings = settings;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/metrics", this::scrape);
    }

    private void scrape(Context ctx) throws Exception {
        String refusal = refusal(settings.get(), ctx);
        if (refusal != null) {
            ctx.contentType("text/plain; charset=utf-8").result(refusal + "\n");
            return;
        }
        ExpositionFormatWriter writer = writer(ctx.header("Accept"));
        long start = System.nanoTime();
        var snapshots = registry.scrape();
        long collected = System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        writer.write(body, snapshots);
        // What the scrape cost on the server: reading the figures (database included) and writing the text.
        ctx.header("Server-Timing", String.format(java.util.Locale.ROOT, "collect;dur=%.1f, write;dur=%.1f", (collected - start) / 1e6,
                (System.nanoTime() - collected) / 1e6));
        ctx.contentType(writer.getContentType()).result(body.toByteArray());
    }

    /** The writer for {@code accept}; the protobuf format is not offered (its writer is not in this build). */
    private ExpositionFormatWriter writer(String accept) {
        if (accept != null && formats.getOpenMetricsTextFormatWriter().accepts(accept)) {
            return formats.getOpenMetricsTextFormatWriter();
        }
        return formats.getPrometheusTextFormatWriter();
    }

    /** Why this request may not read the metrics (setting the status), or null when it may. */
    static String refusal(MetricsSettings m, Context ctx) throws Exception {
        String authorization = ctx.header("Authorization");
        if (m.token() != null) {
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    && same(authorization.substring(7).strip(), m.token())) {
                return null;
            }
            ctx.status(401).header("WWW-Authenticate", "Bearer realm=\"mcpwatch metrics\"");
            return "/metrics needs the token of web.metrics.token as Authorization: Bearer";
        }
        if (m.username() != null) {
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)
                    && same(decode(authorization.substring(6).strip()), m.username() + ":" + m.password())) {
                return null;
            }
            ctx.status(401).header("WWW-Authenticate", "Basic realm=\"mcpwatch metrics\", charset=\"UTF-8\"");
            return "/metrics needs the user name and password of web.metrics (HTTP basic authentication)";
        }
        if (m.allowRemote() || InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress()) {
            return null;
        }
        ctx.status(403);
        return "/metrics answers only on this machine (loopback); set web.metrics.token, username and password, or allow_remote";
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** Compares in constant time, so the time of a refusal says nothing of the secret. */
    private static boolean same(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
