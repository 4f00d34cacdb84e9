package dev.mcpwatch.probe;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The streamable HTTP transport: every message is a POST to one endpoint, answered by a JSON body
 * or an SSE stream. Keeps the legacy {@code Mcp-Session-Id} and ends the session with DELETE;
 * resumes a legacy SSE response with {@code Last-Event-ID} when the server closes it early.
 */
final class StreamableHttpChannel implements McpChannel {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_RESUMES = 3;

    private final HttpSession http;
    private final Recorder rec;
    private final ProbeSpec spec;
    private HttpUrl endpoint;
    private String sessionId;
    private String protocolVersion;

    StreamableHttpChannel(HttpSession http) {
        this.http = http;
        this.rec = http.recorder();
        this.spec = http.spec();
        this.endpoint = http.home();
    }

    @Override
    public void open() {}

    @Override
    public JsonRpc.RpcReply call(Phase phase, ObjectNode request, Map<String, String> headers, Duration limit) {
        long id = request.get("id").asLong();
        Deadline.Budget budget = http.deadline().budget(limit);
        Recorder.StepTimer timer = rec.step(phase);
        rememberVersion(headers);
        Integer status = null;
        String kind = null;
        Double serverMs = null;
        try (HttpSession.Exchange ex = http.execute(post(request, headers), budget, timer)) {
            Response r = ex.response();
            status = r.code();
            serverMs = Bodies.serverTiming(r.header("Server-Timing"));
            endpoint = ex.finalUrl();
            byte[] errorBody = http.checkStatus(ex, phase, sessionId != null);
            if (errorBody != null) {
                kind = "json";
                return JsonRpc.reply(Json.parse(errorBody, phase, "Error body of " + phase.wireName()), id, phase, status);
            }
            if (phase == Phase.INITIALIZE) {
                captureSession(r);
            }
            String contentType = r.header("Content-Type");
            Bodies.Kind k = Bodies.kind(contentType);
            if (k == Bodies.Kind.SSE) {
                kind = "sse";
                return readEvents(ex, phase, id, budget, headers);
            }
            Body body = readBody(ex, phase, budget, k);
            if (body.json() != null) {
                kind = "json";
                return JsonRpc.reply(body.json(), id, phase, status);
            }
            if (body.head().length == 0 && status == 202) {
                throw new ProbeFailure(Reason.JSONRPC_INVALID, phase, "HTTP 202 with no body for the "
                        + phase.wireName() + " request; a request needs a JSON-RPC response", status);
            }
            throw new ProbeFailure(Reason.NOT_MCP, phase, phase.wireName() + " returned " + Bodies.describe(body.head(), contentType)
                    + ", not JSON-RPC", status);
        } catch (IOException e) {
            throw new ProbeFailure(Reason.HTTP_ERROR, phase, "Reading the response to " + phase.wireName() + " failed: "
                    + IoErrors.describe(e), status == null ? 0 : status);
        } finally {
            timer.finish(status, kind, serverMs);
        }
    }

    @Override
    public void notify(Phase phase, ObjectNode notification, Map<String, String> headers, Duration limit) {
        Deadline.Budget budget = http.deadline().budget(limit);
        Recorder.StepTimer timer = rec.step(phase);
        rememberVersion(headers);
        Integer status = null;
        try (HttpSession.Exchange ex = http.execute(post(notification, headers), budget, timer)) {
            status = ex.response().code();
            byte[] errorBody = http.checkStatus(ex, phase, sessionId != null);
            if (errorBody != null) {
                throw new ProbeFailure(Reason.HTTP_ERROR, phase, "HTTP " + status + " from " + phase.wireName() + ": "
                        + Text.snippet(errorBody, 120), status);
            }
            if (status != 202 && status != 200 && status != 204) {
                rec.warn(phase.wireName() + " answered HTTP " + status + " where 202 Accepted is expected");
            }
        } catch (IOException e) {
            throw new ProbeFailure(Reason.HTTP_ERROR, phase, "Reading the response to " + phase.wireName() + " failed: "
                    + IoErrors.describe(e));
        } finally {
            timer.finish(status, null, null);
        }
    }

    /** Ends a legacy session with DELETE (405 means the server does not allow it, which is fine). */
    @Override
    public void close() {
        try {
            if (sessionId != null && http.deadline().remainingNanos() > 50_000_000) {
                Deadline.Budget budget = http.deadline().budget(Duration.ofSeconds(2));
                Recorder.StepTimer timer = rec.step(Phase.CLOSE);
                Integer status = null;
                try (HttpSession.Exchange ex = http.execute(http.request(endpoint, sessionHeaders()).delete().build(), budget, timer)) {
                    status = ex.response().code();
                    if (!ex.response().isSuccessful() && status != 405) {
                        rec.warn("DELETE of the session answered HTTP " + status);
                    }
                } catch (ProbeFailure f) {
                    rec.warn("ending the session failed: " + f.failure().message());
                } finally {
                    timer.finish(status, null, null);
                }
            }
        } finally {
            http.close();
        }
    }

    private Request post(ObjectNode message, Map<String, String> headers) {
        Map<String, String> all = sessionHeaders();
        all.putAll(headers);
        return http.request(endpoint, all)
                .header("Accept", "application/json, text/event-stream")
                .post(RequestBody.create(Json.MAPPER.writeValueAsBytes(message), JSON))
                .build();
    }

    private Map<String, String> sessionHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        if (sessionId != null) {
            h.put("Mcp-Session-Id", sessionId);
        }
        if (protocolVersion != null) {
            h.put("MCP-Protocol-Version", protocolVersion);
        }
        return h;
    }

    /**
     * The version the current step speaks, as its headers say; none for a legacy initialize. Not
     * kept across steps: after era detection falls back, the 2026-07-28 of the server/discover
     * attempt must not ride along with initialize and contradict the version in its body.
     */
    private void rememberVersion(Map<String, String> headers) {
        protocolVersion = headers.get("MCP-Protocol-Version");
    }

    /**
     * Keeps the session id the server assigned. The specification allows visible ASCII only
     * (0x21–0x7E); any other character could not even be sent back in a header, so such an id is
     * the server rejecting every later request of the session.
     */
    private void captureSession(Response r) {
        String id = r.header("Mcp-Session-Id");
        if (id != null && !id.isBlank()) {
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (c < 0x21 || c > 0x7E) {
                    throw new ProbeFailure(Reason.SESSION_REJECTED, Phase.INITIALIZE, "Server sent an Mcp-Session-Id that is not visible "
                            + "ASCII (" + String.format("U+%04X", (int) c) + " at position " + (i + 1) + " of " + id.length()
                            + "); a session id may only use characters 0x21 to 0x7E", r.code());
                }
            }
            sessionId = id;
            rec.sessionUsed();
        }
    }

    /** A response body: parsed, when it is JSON; else its first bytes, to say what it is. */
    private record Body(JsonNode json, byte[] head) {}

    /**
     * Reads a body of kind {@code k} (or one without a usable content type that starts like JSON)
     * into a tree as it arrives, within the byte cap and the parser's bounds; of any other body only
     * its first bytes are read.
     */
    private Body readBody(HttpSession.Exchange ex, Phase phase, Deadline.Budget budget, Bodies.Kind k) {
        var body = ex.response().body();
        try {
            InputStream in = Bodies.capped(body.byteStream(), body.contentLength(), spec.limits().maxResponseBytes(), phase);
            byte[] buf = new byte[Bodies.bufferFor(body.contentLength())];
            int n;
            int start = -1;
            while (start < 0 && (n = in.read(buf)) > 0) {
                start = Bodies.firstNonSpace(buf, n);
                if (start >= 0) {
                    return k == Bodies.Kind.JSON || (k == Bodies.Kind.OTHER && (buf[start] == '{' || buf[start] == '['))
                            ? new Body(json(in, buf, start, n, phase), null)
                            : new Body(null, head(in, buf, start, n));
                }
            }
            if (k == Bodies.Kind.JSON) {
                throw new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, phase, "Response to " + phase.wireName()
                        + " is empty, expected a JSON-RPC message");
            }
            return new Body(null, new byte[0]);
        } catch (IOException e) {
            throw http.classifyRead(e, ex, phase, budget);
        }
    }

    private JsonNode json(InputStream in, byte[] buf, int start, int n, Phase phase) throws IOException {
        JsonFeed feed = new JsonFeed(spec.limits());
        try {
            feed.feed(buf, start, n - start);
            int read;
            while ((read = in.read(buf)) > 0) {
                feed.feed(buf, 0, read);
            }
            return feed.finish();
        } catch (JsonFeed.Rejected r) {
            throw r.failure(phase, "Response to " + phase.wireName());
        }
    }

    /** The first bytes of a body that is not JSON: enough to quote it, never the whole of it. */
    private static byte[] head(InputStream in, byte[] buf, int start, int n) throws IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        head.write(buf, start, n - start);
        if (head.size() < Bodies.DESCRIBED_BYTES) {
            head.write(in.readNBytes(Bodies.DESCRIBED_BYTES - head.size()));
        }
        return head.toByteArray();
    }

    /**
     * Reads an SSE response until the reply to {@code id}: priming events (empty data) and
     * notifications are skipped, server requests answered. A legacy stream that ends early after
     * an event id is resumed with GET and {@code Last-Event-ID}, as 2025-11-25 allows.
     */
    private JsonRpc.RpcReply readEvents(HttpSession.Exchange first, Phase phase, long id, Deadline.Budget budget,
            Map<String, String> headers) {
        HttpSession.Exchange ex = first;
        SseReader reader = new SseReader(ex.response().body().byteStream(), spec.limits().maxResponseBytes(),
                spec.limits().maxSseEvents(), phase, spec.limits());
        int status = first.response().code();
        int resumes = 0;
        Long retryMs = null;
        try {
            while (true) {
                SseReader.Event event;
                try {
                    event = reader.next();
                } catch (IOException e) {
                    throw http.classifyRead(e, ex, phase, budget);
                } catch (JsonFeed.Rejected r) {
                    throw r.failure(phase, (r.kind() == JsonFeed.Rejected.Kind.NOT_UTF8 ? "SSE stream in " : "SSE event in ")
                            + phase.wireName());
                }
                if (event == null) {
                    boolean legacy = protocolVersion == null || Era.ofRevision(protocolVersion) != Era.MODERN;
                    if (legacy && reader.lastEventId() != null && resumes < MAX_RESUMES) {
                        resumes++;
                        String lastId = reader.lastEventId();
                        pause(retryMs, ex.endNanos());
                        if (ex != first) {
                            ex.close();
                        }
                        ex = resume(lastId, phase, budget, first.endNanos());
                        reader = new SseReader(ex.response().body().byteStream(), spec.limits().maxResponseBytes(),
                                spec.limits().maxSseEvents(), phase, spec.limits());
                        continue;
                    }
                    throw new ProbeFailure(Reason.JSONRPC_INVALID, phase, "SSE stream of " + phase.wireName()
                            + " ended before the response", status);
                }
                if (event.retryMs() != null) {
                    retryMs = event.retryMs();
                }
                if (event.isBlank()) {
                    continue;
                }
                JsonNode msg = event.json() != null ? event.json() : Json.parse(event.text(), phase, "SSE event in " + phase.wireName());
                if (JsonRpc.isServerRequest(msg)) {
                    answer(msg, headers);
                    continue;
                }
                if (JsonRpc.isServerMessage(msg)) {
                    continue;
                }
                return JsonRpc.reply(msg, id, phase, status);
            }
        } finally {
            if (ex != first) {
                ex.close();
            }
        }
    }

    /** Resumes within what is left of the step's own time: resuming never extends a deadline. */
    private HttpSession.Exchange resume(String lastEventId, Phase phase, Deadline.Budget budget, long stepEndNanos) {
        Map<String, String> h = sessionHeaders();
        h.put("Last-Event-ID", lastEventId);
        h.put("Accept", "text/event-stream");
        HttpSession.Exchange ex = http.execute(http.request(endpoint, h).get().build(), budget, rec.untimed(phase), stepEndNanos);
        try {
            byte[] err = http.checkStatus(ex, phase, sessionId != null);
            if (err != null || Bodies.kind(ex.response().header("Content-Type")) != Bodies.Kind.SSE) {
                int code = ex.response().code();
                ex.close();
                throw new ProbeFailure(Reason.JSONRPC_INVALID, phase, "Resuming the SSE stream of " + phase.wireName()
                        + " failed (HTTP " + code + ")", code);
            }
            return ex;
        } catch (IOException e) {
            ex.close();
            throw http.classifyRead(e, ex, phase, budget);
        }
    }

    private static void pause(Long retryMs, long endNanos) {
        long wait = Math.min(retryMs == null ? 0 : retryMs, Math.max(0, (endNanos - System.nanoTime()) / 1_000_000 - 1));
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A server request arrived before our response: ping gets a result, anything else an error. */
    private void answer(JsonNode request, Map<String, String> headers) {
        String method = request.path("method").stringValue("");
        ObjectNode reply = method.equals("ping")
                ? JsonRpc.result(request.get("id"), Json.object())
                : JsonRpc.error(request.get("id"), JsonRpc.METHOD_NOT_FOUND, "mcpwatch does not handle " + Text.clip(method, 60));
        Deadline.Budget budget = http.deadline().budget(Duration.ofSeconds(2));
        try (HttpSession.Exchange ex = http.execute(post(reply, headers), budget, rec.untimed(Phase.CLOSE))) {
            if (!ex.response().isSuccessful()) {
                rec.warn("answer to server request " + Text.clip(method, 60) + " got HTTP " + ex.response().code());
            }
        } catch (ProbeFailure f) {
            rec.warn("could not answer server request " + Text.clip(method, 60) + ": " + f.failure().message());
        }
    }
}
