package dev.mcpwatch.remediation;

import dev.mcpwatch.config.RemediationSettings;
import dev.mcpwatch.probe.Urls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a remediation does: run a command, or send a request to a restart hook. Both are bounded by
 * the remediation's timeout; a command still running then is killed with everything it started.
 */
sealed interface Action {
    /** Lines of output kept for the timeline, and characters per line. */
    int TAIL_LINES = 20;
    int LINE_CHARS = 300;

    /**
     * How an attempt went. {@code what} names the action without secrets (the program, or the method
     * and redacted URL); {@code output} is the end of its output with secret values replaced.
     */
    record Outcome(String kind, String what, boolean ok, Integer exitCode, Integer httpStatus, long durationMs, String output, String error) {
        String summary() {
            String how = error != null ? error : exitCode != null ? "exit code " + exitCode : "HTTP " + httpStatus;
            return kind + " " + what + ": " + how + " after " + durationMs + " ms";
        }
    }

    Outcome run();

    static Action of(RemediationSettings s) {
        return s.http() != null ? new Hook(s.http(), s.timeout()) : new Command(s.command(), s.cwd(), s.env(), s.timeout());
    }

    /** A program with the configured environment only (nothing of mcpwatch's own, which holds its secrets). */
    record Command(List<String> command, String cwd, java.util.Map<String, String> env, Duration timeout) implements Action {
        @Override
        public Outcome run() {
            String what = command.getFirst();
            long start = System.nanoTime();
            // Output goes to a file, not a pipe: a restart command leaves a server running that inherits it,
            // and a pipe would then stay open for as long as that server lives.
            java.nio.file.Path out;
            try {
                out = java.nio.file.Files.createTempFile("mcpwatch-remediation", ".log");
            } catch (IOException e) {
                return new Outcome("command", what, false, null, null, ms(start), "", "no temporary file for its output: " + e.getMessage());
            }
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            if (cwd != null) {
                pb.directory(new java.io.File(cwd));
            }
            try {
                Process p;
                try {
                    p = pb.start();
                } catch (IOException e) {
                    return new Outcome("command", what, false, null, null, ms(start), "", "could not start: " + e.getMessage());
                }
                try {
                    p.getOutputStream().close(); // nothing to read on its input
                } catch (IOException e) {
                    // it exited already
                }
                boolean exited;
                try {
                    exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exited = false;
                }
                if (!exited) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
                Tail tail = new Tail(env.values());
                try (InputStream in = java.nio.file.Files.newInputStream(out)) {
                    long size = java.nio.file.Files.size(out);
                    in.skipNBytes(Math.max(0, size - 16 * 1024)); // the end is what matters
                    tail.read(new java.io.ByteArrayInputStream(in.readNBytes(16 * 1024)));
                } catch (IOException e) {
                    // no output to show
                }
                if (!exited) {
                    return new Outcome("command", what, false, null, null, ms(start), tail.text(),
                            "still running after " + timeout.toSeconds() + " s, killed with its descendants");
                }
                int code = p.exitValue();
                return new Outcome("command", what, code == 0, code, null, ms(start), tail.text(), null);
            } finally {
                try {
                    java.nio.file.Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a leftover temporary file
                }
            }
        }
    }

    /** A request to a restart hook; a 2xx answer is success. */
    record Hook(RemediationSettings.Http http, Duration timeout) implements Action {
        @Override
        public Outcome run() {
            String what = http.method() + " " + Urls.redact(http.url());
            long start = System.nanoTime();
            HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.url())).timeout(timeout)
                    .method(http.method(), http.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(http.body()));
            http.headers().forEach(request::header);
            try (client) {
                HttpResponse<InputStream> r = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                Tail tail = new Tail(http.headers().values());
                try (InputStream body = r.body()) {
                    tail.read(new java.io.ByteArrayInputStream(body.readNBytes(16 * 1024)));
                }
                boolean ok = r.statusCode() / 100 == 2;
                return new Outcome("http", what, ok, null, r.statusCode(), ms(start), tail.text(), null);
            } catch (IOException e) {
                return new Outcome("http", what, false, null, null, ms(start), "", "request failed: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + Urls.redact(e.getMessage())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome("http", what, false, null, null, ms(start), "", "interrupted");
            } catch (IllegalArgumentException e) {
                return new Outcome("http", what, false, null, null, ms(start), "", "bad request: " + e.getMessage());
            }
        }
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The last lines of some output, each secret value in it replaced by (redacted). */
    final class Tail {
        private final List<String> secrets = new ArrayList<>();
        private final Deque<String> lines = new ArrayDeque<>();

        Tail(Collection<String> secretValues) {
            // short values (a port, "1") would blot out ordinary text; real secrets are longer
            secretValues.stream().filter(v -> v != null && v.length() >= 6).forEach(secrets::add);
        }

        void read(InputStream in) {
            StringBuilder line = new StringBuilder();
            try {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    for (String part : new String(buf, 0, n, StandardCharsets.UTF_8).split("(?<=\n)", -1)) {
                        if (line.length() < 64 * 1024) {
                            line.append(part);
                        }
                        if (part.endsWith("\n")) {
                            add(line.toString());
                            line.setLength(0);
                        }
                    }
                }
            } catch (IOException e) {
                // the stream was closed: keep what came
            }
            if (!line.isEmpty()) {
                add(line.toString());
            }
        }

        private synchronized void add(String raw) {
            String text = raw.strip();
            if (text.isEmpty()) {
                return;
            }
            for (String s : secrets) {
                text = text.replace(s, "(redacted)");
            }
            lines.addLast(text.length() > LINE_CHARS ? text.substring(0, LINE_CHARS) + "…" : text);
            while (lines.size() > TAIL_LINES) {
                lines.removeFirst();
            }
        }

        synchronized String text() {
            return String.join("\n", lines);
        }
    }
}
