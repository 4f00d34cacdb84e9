package dev.mcpwatch.probe;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The deprecated HTTP+SSE transport (2024-11-05): a GET opens an event stream whose first
 * {@code endpoint} event names where to POST messages; responses come back on the stream. A
 * reader thread moves events into an {@link Inbox}; the stream is cancelled when the probe ends.
 */
final class SseChannel implements McpChannel {
    private static final MediaType JSON = MediaType.get("application/json");

    private final HttpSession http;
    private final Recorder rec;
    private final ProbeSpec spec;
    private final HttpUrl sseUrl;
    private final Inbox inbox = new Inbox();
    private HttpUrl postUrl;
    private HttpSession.Exchange stream;
    private Thread reader;

    SseChannel(HttpSession http) {
        this.http = http;
        this.rec = http.recorder();
        this.spec = http.spec();
        this.sseUrl = HttpUrl.get(spec.url().toString());
    }

    @Override
    public void open() {
        Deadline.Budget budget = http.deadline().budget(spec.timeouts().initialize());
        long end = budget.endNanos(System.nanoTime());
        Recorder.StepTimer timer = rec.step(Phase.SSE_OPEN);
        Integer status = null;
        try {
            // The stream lives as long as the probe, so its call is bounded by the probe's deadline.
            Deadline.Budget streamBudget = http.deadline().budget(spec.timeouts().total());
            Request get = http.request(sseUrl, Map.of("Accept", "text/event-stream", "Cache-Control", "no-cache")).get().build();
            stream = http.execute(get, streamBudget, timer);
            status = stream.response().code();
            if (http.checkStatus(stream, Phase.SSE_OPEN, false) != null) {
                throw new ProbeFailure(Reason.HTTP_ERROR, Phase.SSE_OPEN, "HTTP " + status + " opening the SSE stream", status);
            }
            String contentType = stream.response().header("Content-Type");
            if (Bodies.kind(contentType) != Bodies.Kind.SSE) {
                byte[] body = Bodies.readAtMost(stream.response().body().byteStream(), 4096);
                throw new ProbeFailure(Reason.NOT_MCP, Phase.SSE_OPEN, "sse_open returned " + Bodies.describe(body, contentType)
                        + ", not an event stream", status);
            }
            startReader();
            postUrl = awaitEndpoint(end, budget);
        } catch (IOException e) {
            throw http.classifyRead(e, stream, Phase.SSE_OPEN, budget);
        } finally {
            timer.finish(status, "sse", null);
        }
    }

    @Override
    public JsonRpc.RpcReply call(Phase phase, ObjectNode request, Map<String, String> headers, Duration limit) {
        long id = request.get("id").asLong();
        Deadline.Budget budget = http.deadline().budget(limit);
        long end = budget.endNanos(System.nanoTime());
        Recorder.StepTimer timer = rec.step(phase);
        Integer status = null;
        try {
            status = post(request, headers, phase, budget, timer);
            while (true) {
                Inbox.Item item = inbox.poll(end);
                switch (item) {
                    case null -> throw budget.timeout(phase);
                    case Inbox.Message m -> {
                        if (m.isBlank()) {
                            continue;
                        }
                        JsonNode msg = m.json() != null ? m.json() : Json.parse(m.text(), phase, "SSE message in " + phase.wireName());
                        if (JsonRpc.isServerRequest(msg)) {
                            answer(msg, headers);
                        } else if (!JsonRpc.isServerMessage(msg)) {
                            JsonNode rid = JsonRpc.responseId(msg);
                            if (rid == null || rid.isNull() || (rid.isIntegralNumber() && rid.asLong() == id)) {
                                return JsonRpc.reply(msg, id, phase, status);
                            }
                        }
                    }
                    case Inbox.Endpoint ignored -> { }
                    case Inbox.End ignored -> throw new ProbeFailure(Reason.JSONRPC_INVALID, phase,
                            "SSE stream closed before the response to " + phase.wireName());
                    case Inbox.Problem p -> throw problem(p, phase, budget);
                    case Inbox.Invalid i -> throw i.rejected().failure(phase, "SSE message in " + phase.wireName());
                }
            }
        } finally {
            timer.finish(status, "sse", null);
        }
    }

    @Override
    public void notify(Phase phase, ObjectNode notification, Map<String, String> headers, Duration limit) {
        Deadline.Budget budget = http.deadline().budget(limit);
        Recorder.StepTimer timer = rec.step(phase);
        Integer status = null;
        try {
            status = post(notification, headers, phase, budget, timer);
        } finally {
            timer.finish(status, null, null);
        }
    }

    @Override
    public void close() {
        long start = System.nanoTime();
        inbox.close();
        if (stream != null) {
            stream.call().cancel();
            stream.close();
        }
        if (reader != null) {
            try {
                reader.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        http.close();
        if (stream != null) {
            rec.network(Phase.CLOSE, start, System.nanoTime());
        }
    }

    private int post(ObjectNode message, Map<String, String> headers, Phase phase, Deadline.Budget budget, Recorder.StepTimer timer) {
        Request req = http.request(postUrl, headers)
                .header("Accept", "application/json, text/event-stream")
                .post(RequestBody.create(Json.MAPPER.writeValueAsBytes(message), JSON))
                .build();
        try (HttpSession.Exchange ex = http.execute(req, budget, timer)) {
            int status = ex.response().code();
            byte[] err = http.checkStatus(ex, phase, false);
            if (err != null) {
                throw new ProbeFailure(Reason.HTTP_ERROR, phase, "HTTP " + status + " posting " + phase.wireName() + ": "
                        + Text.snippet(err, 120), status);
            }
            Bodies.readAtMost(ex.response().body().byteStream(), 64 * 1024);
            return status;
        } catch (IOException e) {
            throw new ProbeFailure(Reason.HTTP_ERROR, phase, "Posting " + phase.wireName() + " failed: " + IoErrors.describe(e));
        }
    }

    private HttpUrl awaitEndpoint(long end, Deadline.Budget budget) {
        while (true) {
            Inbox.Item item = inbox.poll(end);
            switch (item) {
                case null -> throw budget.timeout(Phase.SSE_OPEN);
                case Inbox.Endpoint e -> {
                    HttpUrl url = sseUrl.resolve(e.uri().strip());
                    if (url == null) {
                        throw new ProbeFailure(Reason.NOT_MCP, Phase.SSE_OPEN, "endpoint event names an unusable URL '"
                                + Text.clip(e.uri(), 80) + "'");
                    }
                    if (!url.scheme().equals(sseUrl.scheme()) || !url.host().equals(sseUrl.host()) || url.port() != sseUrl.port()) {
                        // The whole origin, not the host alone: it may differ from the stream's only by port or scheme.
                        throw new ProbeFailure(Reason.NOT_MCP, Phase.SSE_OPEN, "endpoint event points to another origin ("
                                + url.scheme() + "://" + url.host() + ":" + url.port() + "); mcpwatch does not send messages or credentials there");
                    }
                    return url;
                }
                case Inbox.Message ignored -> rec.warn("SSE stream sent a message before the endpoint event");
                case Inbox.End ignored -> throw new ProbeFailure(Reason.NOT_MCP, Phase.SSE_OPEN,
                        "SSE stream closed without an endpoint event");
                case Inbox.Problem p -> throw problem(p, Phase.SSE_OPEN, budget);
                case Inbox.Invalid i -> throw i.rejected().failure(Phase.SSE_OPEN, "SSE message before the endpoint event");
            }
        }
    }

    private ProbeFailure problem(Inbox.Problem p, Phase phase, Deadline.Budget budget) {
        if (p.failure() != null) {
            return p.failure().in(phase);
        }
        return http.classifyRead(p.io(), stream, phase, budget);
    }

    private void startReader() {
        // The stream carries every response of the probe, so its caps are a few times one response's.
        long maxBytes = spec.limits().maxResponseBytes() * 4;
        int maxEvents = spec.limits().maxSseEvents() * 4;
        var body = stream.response().body().byteStream();
        reader = Thread.ofVirtual().name("mcpwatch-sse-reader").start(() -> {
            SseReader sse = new SseReader(body, maxBytes, maxEvents, Phase.SSE_OPEN, spec.limits());
            try {
                while (true) {
                    SseReader.Event event = sse.next();
                    if (event == null) {
                        inbox.put(new Inbox.End());
                        return;
                    }
                    if (event.type().equals("endpoint")) {
                        inbox.put(new Inbox.Endpoint(event.json() != null ? event.json().toString() : event.text()));
                    } else if (event.type().equals("message")) {
                        inbox.put(new Inbox.Message(event.json(), event.text(), event.cost()));
                    }
                }
            } catch (JsonFeed.Rejected r) {
                putQuietly(new Inbox.Invalid(r));
            } catch (ProbeFailure f) {
                putQuietly(new Inbox.Problem(f, null));
            } catch (IOException e) {
                if (!inbox.isClosed()) {
                    putQuietly(new Inbox.Problem(null, e));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void putQuietly(Inbox.Item item) {
        try {
            inbox.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answer(JsonNode request, Map<String, String> headers) {
        String method = request.path("method").stringValue("");
        ObjectNode reply = method.equals("ping")
                ? JsonRpc.result(request.get("id"), Json.object())
                : JsonRpc.error(request.get("id"), JsonRpc.METHOD_NOT_FOUND, "mcpwatch does not handle " + Text.clip(method, 60));
        try {
            post(reply, headers, Phase.CLOSE, http.deadline().budget(Duration.ofSeconds(2)), rec.untimed(Phase.CLOSE));
        } catch (ProbeFailure f) {
            rec.warn("could not answer server request " + Text.clip(method, 60) + ": " + f.failure().message());
        }
    }
}
