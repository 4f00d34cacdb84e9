package dev.mcpwatch.canary;

import dev.mcpwatch.canary.TrafficReading.SideTraffic;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Urls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Real-traffic figures of both versions from a Prometheus server's HTTP API ({@code /api/v1/query}),
 * by PromQL templates. The defaults read the metrics the canary guide instruments every MCP server
 * with, labelled by {@code version}:
 * <pre>
 * errors   sum(increase(mcp_tool_call_errors_total{version="{{version}}"}[{{window}}]))
 * calls    sum(increase(mcp_tool_call_duration_seconds_count{version="{{version}}"}[{{window}}]))
 * buckets  sum by (le) (increase(mcp_tool_call_duration_seconds_bucket{version="{{version}}"}[{{window}}]))
 * </pre>
 * {@code {{version}}} is replaced by the version's label value (escaped as a PromQL string) and
 * {@code {{window}}} by the rules' window in seconds ({@code 300s}); a template may add any
 * selector ({@code job="mcp"}) or use other metric names. Queries are evaluated at Prometheus's
 * present moment.
 */
public final class PrometheusSource implements Comparison.TrafficSource {
    private static final long MAX_BYTES = 4L * 1024 * 1024;

    /** The three PromQL templates. */
    public record Queries(String errors, String calls, String buckets) {
        public static final Queries GUIDE = new Queries(
                "sum(increase(mcp_tool_call_errors_total{version=\"{{version}}\"}[{{window}}]))",
                "sum(increase(mcp_tool_call_duration_seconds_count{version=\"{{version}}\"}[{{window}}]))",
                "sum by (le) (increase(mcp_tool_call_duration_seconds_bucket{version=\"{{version}}\"}[{{window}}]))");

        public Queries {
            for (var e : Map.of("errors", errors, "calls", calls, "buckets", buckets).entrySet()) {
                if (e.getValue() == null || e.getValue().isBlank()) {
                    throw new IllegalArgumentException("the " + e.getKey() + " query is empty");
                }
                if (!e.getValue().contains("{{version}}")) {
                    throw new IllegalArgumentException("the " + e.getKey() + " query must select a version with {{version}}: "
                            + e.getValue());
                }
            }
        }

        /** These queries with one replaced by name ({@code errors}, {@code calls} or {@code buckets}). */
        public Queries with(String name, String query) {
            return switch (name) {
                case "errors" -> new Queries(query, calls, buckets);
                case "calls" -> new Queries(errors, query, buckets);
                case "buckets" -> new Queries(errors, calls, query);
                default -> throw new IllegalArgumentException("unknown query '" + name + "' (known: errors, calls, buckets)");
            };
        }
    }

    /** A query Prometheus refused as written (bad PromQL), as opposed to one it could not answer now. */
    public static final class BadQuery extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadQuery(String message) {
            super(message);
        }
    }

    private final HttpUrl endpoint;
    private final String shown;
    private final String authorization;
    private final Queries queries;
    private final String stableVersion;
    private final String canaryVersion;
    private final OkHttpClient client;

    public PrometheusSource(URI base, Queries queries, String stableVersion, String canaryVersion, Duration timeout) {
        HttpUrl url = HttpUrl.parse(base.toString());
        if (url == null) {
            throw new IllegalArgumentException("'" + Urls.redact(base.toString()) + "' is not an http(s) URL of a Prometheus server");
        }
        this.shown = Urls.redact(base.toString());
        this.authorization = url.username().isEmpty() ? null : Credentials.basic(url.username(), url.password());
        HttpUrl bare = url.newBuilder().username("").password("").build();
        String path = bare.encodedPath().endsWith("/") ? "api/v1/query" : bare.pathSegments().getLast() + "/api/v1/query";
        this.endpoint = Objects.requireNonNull(bare.resolve(path));
        this.queries = queries;
        this.stableVersion = Objects.requireNonNull(stableVersion, "stable version");
        this.canaryVersion = Objects.requireNonNull(canaryVersion, "canary version");
        this.client = new OkHttpClient.Builder().callTimeout(timeout).followRedirects(false).build();
    }

    public String shown() {
        return shown;
    }

    /**
     * Runs every query once for both versions. Throws {@link BadQuery} when Prometheus refuses one as
     * written, so a mistyped template is a usage error before any probing; returns a reading with a
     * problem when it cannot be reached.
     */
    public TrafficReading check(Duration window) {
        return read(window, true);
    }

    @Override
    public TrafficReading read(Duration window) {
        return read(window, false);
    }

    private TrafficReading read(Duration window, boolean strict) {
        String source = "Prometheus " + shown;
        try {
            return TrafficReading.of(source, window, side(stableVersion, window), side(canaryVersion, window));
        } catch (BadQuery e) {
            if (strict) {
                throw e;
            }
            return TrafficReading.unavailable(source, window, e.getMessage());
        } catch (Unavailable e) {
            return TrafficReading.unavailable(source, window, e.getMessage());
        }
    }

    private SideTraffic side(String version, Duration window) {
        double calls = scalar(query(queries.calls(), version, window));
        double errors = scalar(query(queries.errors(), version, window));
        List<Histogram.Bucket> buckets = new ArrayList<>();
        for (JsonNode series : query(queries.buckets(), version, window)) {
            String le = series.path("metric").path("le").stringValue(null);
            if (le == null) {
                throw new BadQuery("the buckets query must return one series per bucket with an `le` label (sum by (le) …)");
            }
            buckets.add(new Histogram.Bucket(parseLe(le), value(series)));
        }
        return new SideTraffic(version, calls, errors, buckets.isEmpty() ? null : new Histogram(buckets));
    }

    private static double parseLe(String le) {
        try {
            return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        } catch (NumberFormatException e) {
            throw new Unavailable("a bucket's le label is not a number: " + le);
        }
    }

    /** The sum of a vector's values; an empty vector is zero (a counter nothing has incremented is often not exported at all). */
    private static double scalar(JsonNode result) {
        double sum = 0;
        for (JsonNode series : result) {
            double v = value(series);
            sum += Double.isNaN(v) ? 0 : v;
        }
        return sum;
    }

    private static double value(JsonNode series) {
        String v = series.path("value").path(1).stringValue("NaN");
        try {
            return switch (v) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(v);
            };
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private JsonNode query(String template, String version, Duration window) {
        String promql = template.replace("{{version}}", escape(version)).replace("{{window}}", seconds(window));
        Request.Builder request = new Request.Builder().url(endpoint.newBuilder().addQueryParameter("query", promql).build());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try (Response r = client.newCall(request.build()).execute()) {
            JsonNode body = parse(r);
            String status = body.path("status").stringValue("");
            if (!"success".equals(status)) {
                String error = body.path("errorType").stringValue("error") + ": " + body.path("error").stringValue("(no message)");
                if (r.code() == 400 || "bad_data".equals(body.path("errorType").stringValue(""))) {
                    throw new BadQuery("Prometheus refused the query `" + promql + "`: " + error);
                }
                throw new Unavailable("Prometheus answered HTTP " + r.code() + " to `" + promql + "`: " + error);
            }
            JsonNode data = body.path("data");
            if (!"vector".equals(data.path("resultType").stringValue(""))) {
                throw new BadQuery("the query `" + promql + "` returns a " + data.path("resultType").stringValue("?")
                        + ", not an instant vector");
            }
            return data.path("result");
        } catch (IOException e) {
            throw new Unavailable("could not query Prometheus at " + shown + ": " + e.getMessage());
        }
    }

    private JsonNode parse(Response r) throws IOException {
        try (InputStream in = r.body().byteStream()) {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new Unavailable("Prometheus at " + shown + " sent more than 4 MiB for one query");
            }
            return Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new Unavailable("Prometheus at " + shown + " answered HTTP " + r.code() + " with something that is not JSON");
        }
    }

    /** A PromQL double-quoted string's content. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String seconds(Duration window) {
        return Math.max(1, (window.toMillis() + 999) / 1000) + "s";
    }

    /** Prometheus could not answer now: the rules on real traffic are unavailable for this round. */
    private static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
