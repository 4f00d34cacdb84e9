package dev.mcpwatch.probe;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stdio transport: spawns the server command and speaks newline-delimited JSON-RPC on its
 * stdin and stdout. Lines on stdout that are not JSON (a server logging to the wrong stream) are
 * skipped with a warning; stderr is kept, last 2 KiB, for failure messages. However the probe ends,
 * the process and every process it started are killed — also daemons that left its session, found
 * by the probe's own environment variable or by the pipes they hold ({@link ProcessSession}).
 */
final class StdioChannel implements McpChannel {
    private static final int MAX_NON_JSON_LINES = 100;
    private static final int STDERR_TAIL = 2048;
    /** After the server process exits, how long its last lines on stdout get to arrive before the exit is reported. */
    private static final long EXIT_GRACE_MS = 200;
    /** How long stdout may stay open once every process that could hold it was killed. */
    private static final long RELEASE_MS = 1_000;

    private final ProbeSpec spec;
    private final Recorder rec;
    private final Deadline deadline;
    private final Inbox inbox = new Inbox();
    private final StringBuilder stderrTail = new StringBuilder();
    private Process process;
    private OutputStream stdin;
    private Thread stdoutReader;
    private Thread stderrReader;
    private int nonJsonLines;
    private final String marker = ProcessSession.newMarker();
    private Set<String> pipes = Set.of();
    private volatile boolean stdoutEnded;

    StdioChannel(ProbeSpec spec, Recorder rec, Deadline deadline) {
        this.spec = spec;
        this.rec = rec;
        this.deadline = deadline;
    }

    @Override
    public void open() {
        ProbeSpec.Stdio cmd = spec.stdio();
        ProcessBuilder pb = new ProcessBuilder(ProcessSession.command(cmd.command()));
        pb.environment().putAll(cmd.env());
        pb.environment().put(ProcessSession.MARKER, marker);
        if (cmd.workingDirectory() != null) {
            pb.directory(new File(cmd.workingDirectory()));
        }
        long start = System.nanoTime();
        String unstartable = ProcessSession.unstartable(cmd.command().getFirst(), pb.environment().get("PATH"), cmd.workingDirectory());
        if (unstartable != null) {
            rec.network(Phase.SPAWN, start, System.nanoTime());
            throw new ProbeFailure(Reason.CONNECTION_REFUSED, Phase.SPAWN, "Could not start `" + cmd.command().getFirst() + "`: " + unstartable);
        }
        try {
            process = pb.start();
        } catch (IOException e) {
            rec.network(Phase.SPAWN, start, System.nanoTime());
            throw new ProbeFailure(Reason.CONNECTION_REFUSED, Phase.SPAWN, "Could not start `" + cmd.command().getFirst()
                    + "`: " + TlsRecorder.describe(e));
        }
        rec.network(Phase.SPAWN, start, System.nanoTime());
        rec.resolvedAddress("pid " + process.pid());
        pipes = ProcessSession.pipesOf(process.pid());
        stdin = process.getOutputStream();
        startReaders();
        // The server is gone when its process exits, even if a process it started still holds stdout
        // open (so stdout never ends): report that as the exit it is, not as a step's timeout.
        process.onExit().thenRunAsync(() -> putQuietly(new Inbox.End()),
                CompletableFuture.delayedExecutor(EXIT_GRACE_MS, TimeUnit.MILLISECONDS));
    }

    @Override
    public JsonRpc.RpcReply call(Phase phase, ObjectNode request, Map<String, String> headers, Duration limit) {
        long id = request.get("id").asLong();
        Deadline.Budget budget = deadline.budget(limit);
        long end = budget.endNanos(System.nanoTime());
        Recorder.StepTimer timer = rec.step(phase);
        try {
            send(request, phase);
            int skipped = 0;
            while (true) {
                Inbox.Item item = inbox.poll(end);
                timer.firstByte();
                switch (item) {
                    case null -> throw budget.timeout(phase);
                    case Inbox.Message m -> {
                        JsonNode msg = m.json();
                        if (msg == null) {
                            skipNonJson(m.text(), phase);
                            continue;
                        }
                        if (JsonRpc.isServerRequest(msg)) {
                            answer(msg, phase);
                        } else if (JsonRpc.isServerMessage(msg)) {
                            if (++skipped > spec.limits().maxSseEvents()) {
                                throw new ProbeFailure(Reason.RESPONSE_TOO_LARGE, phase, "Server sent more than "
                                        + spec.limits().maxSseEvents() + " notifications without answering " + phase.wireName());
                            }
                        } else {
                            JsonNode rid = JsonRpc.responseId(msg);
                            boolean stale = rid != null && rid.isIntegralNumber() && rid.asLong() != id;
                            if (!stale) {
                                return JsonRpc.reply(msg, id, phase, 0);
                            }
                        }
                    }
                    case Inbox.End ignored -> throw exited(phase);
                    case Inbox.Problem p -> throw p.failure() != null ? p.failure().in(phase)
                            : new ProbeFailure(Reason.CONNECTION_REFUSED, phase, "Reading the server's stdout failed: "
                                    + IoErrors.describe(p.io()));
                    case Inbox.Invalid i -> throw i.rejected().failure(phase, "stdout line in " + phase.wireName());
                    case Inbox.Endpoint ignored -> { }
                }
            }
        } finally {
            timer.finish(null, null, null);
        }
    }

    @Override
    public void notify(Phase phase, ObjectNode notification, Map<String, String> headers, Duration limit) {
        Recorder.StepTimer timer = rec.step(phase);
        try {
            send(notification, phase);
        } finally {
            timer.finish(null, null, null);
        }
    }

    /**
     * Closes stdin, gives the server a moment to exit, then kills it and everything it started: its
     * process tree, its session, and the daemons that left both (by their marker variable, then by
     * the pipes they hold). If stdout still does not end, something it started holds it that
     * mcpwatch could neither find nor kill: the probe is not healthy, whatever the server answered.
     */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        long start = System.nanoTime();
        // Taken while the server still runs: once it exits, its children are re-parented and out of reach.
        List<ProcessHandle> started = process.descendants().toList();
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the process may already be gone
        }
        try {
            if (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
                killTree();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree();
        } finally {
            killTree();
            started.forEach(ProcessHandle::destroyForcibly); // children outlive a parent that exited by itself
            ProcessSession.members(process.pid()).forEach(ProcessHandle::destroyForcibly); // and orphans keep the session
            inbox.close();
            killDaemons();
            join(stderrReader);
            rec.network(Phase.CLOSE, start, System.nanoTime());
        }
    }

    /** Kills what left the session (double fork and setsid) and checks that nothing holds stdout any more. */
    private void killDaemons() {
        List<ProcessHandle> escaped = new ArrayList<>(ProcessSession.marked(marker));
        escaped.forEach(ProcessHandle::destroyForcibly);
        join(stdoutReader, 300);
        if (stdoutReader.isAlive()) {
            for (ProcessHandle holder : ProcessSession.holding(pipes)) {
                holder.destroyForcibly();
                escaped.add(holder);
            }
            join(stdoutReader, RELEASE_MS);
        }
        List<Long> survivors = survivors(escaped);
        if (!escaped.isEmpty()) {
            rec.warn("the server left " + escaped.size() + " process" + (escaped.size() == 1 ? "" : "es") + " outside its session ("
                    + pids(escaped) + "); mcpwatch killed " + (survivors.isEmpty() ? "them" : "all but " + survivors));
        }
        if (stdoutReader.isAlive() || !survivors.isEmpty()) {
            rec.failAtClose(new Failure(Reason.TIMEOUT, Phase.CLOSE, "Timeout after " + RELEASE_MS + " ms in close: "
                    + (survivors.isEmpty() ? "the server's stdout stayed open after it and every process it started that mcpwatch "
                            + "could find were killed" : "process " + survivors + " the server started survived being killed")
                    + "; a process escaped the probe"));
        }
    }

    /** The processes of {@code killed} still running after up to {@link #RELEASE_MS}. */
    private static List<Long> survivors(List<ProcessHandle> killed) {
        long end = System.nanoTime() + RELEASE_MS * 1_000_000;
        List<ProcessHandle> left = new ArrayList<>(killed);
        while (true) {
            left.removeIf(p -> !ProcessSession.running(p));
            if (left.isEmpty() || System.nanoTime() > end) {
                return left.stream().map(ProcessHandle::pid).toList();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return left.stream().map(ProcessHandle::pid).toList();
            }
        }
    }

    private static String pids(List<ProcessHandle> processes) {
        return "pid " + String.join(", ", processes.stream().map(p -> p.pid() + p.info().command().map(c -> " " + c).orElse("")).toList());
    }

    private void killTree() {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        children.addAll(ProcessSession.members(process.pid()));
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        join(t, 500);
    }

    private static void join(Thread t, long millis) {
        if (t != null) {
            try {
                t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A stdout line that is not JSON (a server logging to the wrong stream): a warning, and past a hundred, a failure. */
    private void skipNonJson(String line, Phase phase) {
        if (++nonJsonLines > MAX_NON_JSON_LINES) {
            throw new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, phase, "stdout carried more than " + MAX_NON_JSON_LINES
                    + " lines that are not JSON-RPC, e.g. '" + Text.clip(line, 80) + "'");
        }
        rec.warn("stdout carried a line that is not JSON-RPC (stdio servers must log to stderr): '" + Text.clip(line, 80) + "'");
    }

    private void send(ObjectNode message, Phase phase) {
        try {
            stdin.write(Json.MAPPER.writeValueAsBytes(message));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw exited(phase);
        }
    }

    private void answer(JsonNode request, Phase phase) {
        String method = request.path("method").stringValue("");
        send(method.equals("ping")
                ? JsonRpc.result(request.get("id"), Json.object())
                : JsonRpc.error(request.get("id"), JsonRpc.METHOD_NOT_FOUND, "mcpwatch does not handle " + Text.clip(method, 60)),
                phase);
    }

    /** The server process is gone (or its stdout closed): nothing is there to talk to. */
    private ProbeFailure exited(Phase phase) {
        String code;
        try {
            code = process.waitFor(200, TimeUnit.MILLISECONDS) ? "exited with code " + process.exitValue() : "closed its stdout";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = "closed its stdout";
        }
        if (!stdoutEnded && !process.isAlive()) {
            code += " (a process it started still holds its stdout)";
        }
        join(stderrReader, stdoutEnded ? 500 : 100);
        String err;
        synchronized (stderrTail) {
            err = stderrTail.isEmpty() ? "" : "; stderr: '" + Text.clip(stderrTail.toString(), 300) + "'";
        }
        return new ProbeFailure(Reason.CONNECTION_REFUSED, phase, "Server process " + code + " before answering "
                + phase.wireName() + err);
    }

    private void startReaders() {
        long maxLine = spec.limits().maxResponseBytes();
        InputStream out = process.getInputStream();
        stdoutReader = Thread.ofVirtual().name("mcpwatch-stdio-out").start(() -> {
            // Everything the process writes during one probe counts against a few responses' worth of bytes.
            LineReader lines = new LineReader(out, maxLine * 4, maxLine, Phase.SPAWN, "Server stdout");
            try {
                while (true) {
                    StdoutLine line = new StdoutLine();
                    if (!lines.readLine(line)) {
                        break;
                    }
                    Inbox.Message message = line.message();
                    if (message != null) {
                        inbox.put(message);
                    }
                }
                stdoutEnded = true;
                inbox.put(new Inbox.End());
            } catch (JsonFeed.Rejected r) {
                putQuietly(new Inbox.Invalid(r));
            } catch (ProbeFailure f) {
                putQuietly(new Inbox.Problem(f, null));
            } catch (IOException e) {
                putQuietly(inbox.isClosed() ? new Inbox.End() : new Inbox.Problem(null, e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        InputStream err = process.getErrorStream();
        stderrReader = Thread.ofVirtual().name("mcpwatch-stdio-err").start(() -> {
            byte[] buf = new byte[1024];
            try {
                int n;
                while ((n = err.read(buf)) > 0) {
                    synchronized (stderrTail) {
                        stderrTail.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        if (stderrTail.length() > STDERR_TAIL) {
                            stderrTail.delete(0, stderrTail.length() - STDERR_TAIL);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process is gone; what we have is what there is
            }
        });
    }

    /**
     * One line of stdout as it arrives: JSON (it starts with '{' or '[') is parsed piece by piece;
     * anything else is a line a server logged, of which only the start is kept, for the warning.
     */
    private final class StdoutLine implements LineReader.Sink {
        private static final int KEPT_TEXT = 256;
        private final Utf8Check utf8 = new Utf8Check();
        private JsonFeed json;
        private java.io.ByteArrayOutputStream text;

        @Override
        public void bytes(byte[] bytes, int offset, int length) {
            if (json != null) {
                json.feed(bytes, offset, length);
                return;
            }
            int i = offset;
            if (text == null) {
                while (i < offset + length && (bytes[i] == ' ' || bytes[i] == '\t')) {
                    i++;
                }
                if (i == offset + length) {
                    return;
                }
                if (bytes[i] == '{' || bytes[i] == '[') {
                    json = new JsonFeed(spec.limits());
                    json.feed(bytes, i, offset + length - i);
                    return;
                }
                text = new java.io.ByteArrayOutputStream();
            }
            if (!utf8.accept(bytes, i, offset + length - i)) {
                throw new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, Phase.SPAWN, "Server stdout is not valid UTF-8");
            }
            text.write(bytes, i, Math.min(offset + length - i, Math.max(0, KEPT_TEXT - text.size())));
        }

        /** The line as a message for the step, or null for a blank line. */
        Inbox.Message message() {
            if (json != null) {
                JsonNode node = json.finish();
                return new Inbox.Message(node, null, json.cost());
            }
            if (text == null) {
                return null;
            }
            if (!utf8.complete()) {
                throw new ProbeFailure(Reason.JSONRPC_PARSE_ERROR, Phase.SPAWN, "Server stdout is not valid UTF-8");
            }
            return new Inbox.Message(null, new String(text.toByteArray(), StandardCharsets.UTF_8).strip(), 0);
        }
    }

    private void putQuietly(Inbox.Item item) {
        try {
            inbox.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
