package dev.mcpwatch.alert.channel;

import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.Prober;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The HTTP side of the channels: one shared client, a deadline per call, a bounded read of the
 * answer, and one classification of answers into {@link Result}s. Error texts name the exception
 * and the receiver's answer, never the URL (webhook URLs carry their tokens in the path).
 */
final class Http {
    static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    static final String USER_AGENT = "mcpwatch/" + Prober.VERSION;
    private static final int MAX_ANSWER = 64 * 1024;
    private static final OkHttpClient CLIENT = new OkHttpClient.Builder()
            .connectTimeout(10, TimeUnit.SECONDS)
            .followRedirects(false)
            // a pooled connection the receiver closed meanwhile is retried on a fresh one, not counted as a failure
            .retryOnConnectionFailure(true)
            .connectionPool(new okhttp3.ConnectionPool(5, 30, TimeUnit.SECONDS))
            .build();

    /** A receiver's answer: the status, up to 64 KiB of the body, and Retry-After. */
    record Answer(int code, String body, String retryAfter) {}

    private Http() {}

    static Request.Builder post(String url, Object json) {
        return new Request.Builder().url(url).header("User-Agent", USER_AGENT)
                .post(RequestBody.create(Json.MAPPER.writeValueAsBytes(json), JSON));
    }

    static Answer call(Request request, Duration timeout) throws IOException {
        OkHttpClient client = CLIENT.newBuilder().callTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build();
        try (Response response = client.newCall(request).execute()) {
            return new Answer(response.code(), read(response.body()), response.header("Retry-After"));
        }
    }

    /** Sends and classifies: 2xx delivered; 408, 425, 429, 5xx and I/O errors retried; other answers failed. */
    static Result exchange(Request request, Duration timeout) {
        try {
            return classify(call(request, timeout));
        } catch (IOException e) {
            return ioError(e);
        }
    }

    static Result classify(Answer a) {
        if (a.code() >= 200 && a.code() < 300) {
            return Result.delivered(a.code());
        }
        String error = "HTTP " + a.code() + (a.body().isBlank() ? "" : ": " + clip(a.body().strip(), 300));
        boolean retryable = a.code() == 408 || a.code() == 425 || a.code() == 429 || a.code() >= 500;
        if (!retryable) {
            return Result.failed(a.code(), error);
        }
        Result r = Result.retry(a.code(), error);
        Duration after = retryAfter(a.retryAfter());
        return after == null ? r : new Result(r.outcome(), r.responseCode(), r.error(), after, null);
    }

    static Result ioError(IOException e) {
        String what = e.getClass().getSimpleName();
        String message = e.getMessage();
        return Result.retry(null, message == null || message.isBlank() ? what : what + ": " + clip(message, 200));
    }

    static Map<String, String> headers(String... pairs) {
        java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /** Whether text is an http(s) URL with a host: what every URL setting of a channel must be. */
    static boolean isHttpUrl(String s) {
        try {
            URI u = URI.create(s);
            return u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https")) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static String read(ResponseBody body) throws IOException {
        if (body == null) {
            return "";
        }
        try (InputStream in = body.byteStream()) {
            return new String(in.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8);
        }
    }

    private static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null; // an HTTP date: our own backoff is as good
        }
    }
}
