package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.mcpwatch.testkit.ExpandingAnswers;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.ScriptedMcp;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Servers that try to hurt the monitor: trickling, sending gigabytes, streaming forever, nesting
 * JSON, breaking UTF-8, paginating without end, flooding stdout. Each must end in one classified
 * failure within the probe's deadline, and memory must stay flat. Runs in a forked JVM with a
 * 96 MB heap that exits on OutOfMemoryError (see pom.xml), so an unbounded read fails the build.
 */
@Tag("hostile")
class HostileServerTest {
    /** Short enough for a test, far longer than any honest local step takes. */
    private static final ProbeSpec.Timeouts DEADLINES = new ProbeSpec.Timeouts(
            Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(6));
    /** What a probe may take beyond its deadline: closing streams, killing processes, a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(3);
    private static final long HUNDRED_MB = 100L * 1024 * 1024;
    private static final long CAP = ProbeSpec.Limits.DEFAULT.maxResponseBytes();

    private final Prober prober = new Prober();

    // ---- HTTP: time ---------------------------------------------------------------------------

    @Test
    void jsonBodyTrickledOneByteASecondTimesOutInInitialize() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            byte[] body = Json.MAPPER.writeValueAsBytes(ScriptedMcp.result(msg, ScriptedMcp.initializeResult("2025-11-25")));
            try (OutputStream out = http.stream(200, "application/json", body.length)) {
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(1000);
                }
            }
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.TIMEOUT, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("Timeout after 2000 ms in initialize");
        }
    }

    @Test
    void endlessSseKeepAliveCommentsSentSlowlyTimeOut() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            try (OutputStream out = http.stream(200, "text/event-stream")) {
                while (true) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(200);
                }
            }
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.TIMEOUT, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("Timeout after 2000 ms in initialize");
        }
    }

    // ---- HTTP: size ---------------------------------------------------------------------------

    @Test
    void hundredMegabyteChunkedBodyIsResponseTooLargeNotOutOfMemory() {
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy().on("initialize", hundredMegabyteJsonBody()))) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.RESPONSE_TOO_LARGE, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("Response to initialize exceeded " + CAP + " bytes");
        }
    }

    @Test
    void hundredMegabyteContentLengthIsResponseTooLargeWithoutReadingTheBody() {
        // The server declares 100 MB and then sends nothing: a probe that started reading would time out instead.
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            try (OutputStream out = http.stream(200, "application/json", HUNDRED_MB)) {
                out.flush(); // the headers go out; the body never does
                Thread.sleep(30_000);
            }
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.RESPONSE_TOO_LARGE, Phase.INITIALIZE);
            assertThat(r.failure().message())
                    .isEqualTo("Response to initialize exceeded " + CAP + " bytes (Content-Length " + HUNDRED_MB + ")");
        }
    }

    @Test
    void endlessSseStreamOfNotificationsHitsTheEventCap() {
        byte[] event = ("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                + "\"params\":{\"progressToken\":1,\"progress\":1}}\n\n").getBytes(StandardCharsets.UTF_8);
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            try (OutputStream out = http.stream(200, "text/event-stream")) {
                while (true) {
                    out.write(event);
                }
            }
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.RESPONSE_TOO_LARGE, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("SSE stream in initialize sent more than "
                    + ProbeSpec.Limits.DEFAULT.maxSseEvents() + " events without the response");
        }
    }

    @Test
    void oneHundredMegabyteSseDataLineIsResponseTooLarge() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            try (OutputStream out = http.stream(200, "text/event-stream")) {
                out.write(("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + idOf(msg) + ",\"result\":{\"pad\":")
                        .getBytes(StandardCharsets.UTF_8));
                writeFiller(out, HUNDRED_MB, ' ');
            }
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.RESPONSE_TOO_LARGE, Phase.INITIALIZE);
            assertThat(r.failure().message()).startsWith("SSE stream in initialize").contains(Long.toString(CAP));
        }
    }

    @Test
    void textValueOfAHundredMegabytesIsRefusedAtTheStringCapWithoutReadingOn() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            try (OutputStream out = http.stream(200, "application/json")) {
                out.write(("{\"jsonrpc\":\"2.0\",\"id\":" + idOf(msg) + ",\"result\":{\"pad\":\"").getBytes(StandardCharsets.UTF_8));
                writeFiller(out, HUNDRED_MB, 'x');
            }
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.RESPONSE_TOO_LARGE, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("Response to initialize has a text value longer than 262144 characters");
        }
    }

    // ---- HTTP: answers that expand -----------------------------------------------------------

    @Test
    void fourMegabytesOfEmptyObjectsAreRefusedBeforeTheyBecomeAMillionNodes() {
        // 1.3 million {} under the 4 MiB cap: 35-45 times its size in heap as a tree.
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy().on("initialize",
                ExpandingAnswers.emptyObjects(ExpandingAnswers.FOUR_MB)))) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.RESPONSE_TOO_LARGE, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("Response to initialize expands to more than 1024 KiB of parsed JSON "
                    + "(mcpwatch keeps at most that per message)");
        }
    }

    @Test
    void toolsListPageOfSeventyThousandSmallToolsIsRefusedAtTheToolCap() {
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy().on("tools/list", ExpandingAnswers.smallTools(70_000)))) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST);
            assertThat(r.failure().message()).isEqualTo("tools/list listed more than 1000 tools");
        }
    }

    @Test
    void twentyPagesOfFourMegabytesAreRefusedAtTheBoundOnToolsAcrossPages() {
        // 60 tools per page: no page is too large, but together they pass the 1,000 tools a probe keeps.
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy().on("tools/list",
                ExpandingAnswers.endlessPages(3_900_000, 60, 100, null)))) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST);
            assertThat(r.failure().message()).isEqualTo("tools/list listed more than 1000 tools (across 17 pages)");
        }
    }

    @Test
    void pagesOfToolsWithLongDescriptionsAreRefusedAtTheBoundOnToolBytes() {
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy().on("tools/list",
                ExpandingAnswers.endlessPages(3_900_000, 100, 38_000, null)))) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST);
            assertThat(r.failure().message()).startsWith("tools/list definitions take more than 1048576 bytes in all (");
        }
    }

    @Test
    void theExpandingAnswersOverSseAndStdioAreRefusedToo() {
        ScriptedMcp sse = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            try (OutputStream out = http.stream(200, "text/event-stream")) {
                out.write(("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + idOf(msg) + ",\"result\":{\"x\":[{}")
                        .getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < 1_300_000; i += 10_000) {
                    out.write(",{}".repeat(10_000).getBytes(StandardCharsets.UTF_8));
                }
                out.write("]}}\n\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        try (FixtureServer server = FixtureServer.http(sse)) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.RESPONSE_TOO_LARGE, Phase.INITIALIZE);
            assertThat(r.failure().message()).startsWith("SSE event in initialize expands to more than 1024 KiB of parsed JSON");
        }

        ProbeResult stdio = probe(node("""
                require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
                  const req = JSON.parse(line);
                  if (req.id === undefined) return;
                  process.stdout.write('{"jsonrpc":"2.0","id":' + req.id + ',"result":{"x":[{}' + ',{}'.repeat(1300000) + ']}}\\n');
                });
                """));

        assertFailure(stdio, Reason.RESPONSE_TOO_LARGE, Phase.DISCOVER);
        assertThat(stdio.failure().message()).startsWith("stdout line in discover expands to more than 1024 KiB of parsed JSON");
    }

    // ---- HTTP: content ------------------------------------------------------------------------

    @Test
    void deeplyNestedJsonIsAParseErrorNamingTheNestingDepth() {
        String nested = "[".repeat(200_000);
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy()
                .on("initialize", ScriptedMcp.raw(200, "application/json", nested)))) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.JSONRPC_PARSE_ERROR, Phase.INITIALIZE);
            assertThat(r.failure().message()).startsWith("Response to initialize is not valid JSON")
                    .contains("nesting depth").contains(Integer.toString(Json.MAX_DEPTH));
        }
    }

    @Test
    void invalidUtf8InAnSseEventIsAParseError() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("initialize", (http, msg) -> {
            try (OutputStream out = http.stream(200, "text/event-stream")) {
                out.write(("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + idOf(msg)
                        + ",\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"serverInfo\":{\"name\":\"")
                        .getBytes(StandardCharsets.UTF_8));
                out.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}); // a broken two-byte sequence, then a byte UTF-8 never uses
                out.write("\"}}}\n\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.JSONRPC_PARSE_ERROR, Phase.INITIALIZE);
            assertThat(r.failure().message()).isEqualTo("SSE stream in initialize is not valid UTF-8");
        }
    }

    @Test
    void toolSchemaWithAHugeExponentIsFingerprintedNotFatal() {
        ScriptedMcp mcp = ScriptedMcp.legacy().on("tools/list", (http, msg) -> http.respond(200, "application/json",
                "{\"jsonrpc\":\"2.0\",\"id\":" + idOf(msg) + ",\"result\":{\"tools\":[{\"name\":\"measure\",\"inputSchema\":"
                        + "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\",\"maximum\":1e999999}}}}]}}"));
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            assertThat(r.failure()).isNull();
            assertThat(r.tools().names()).containsExactly("measure");
            assertThat(r.tools().tools().getFirst().fingerprint()).matches("[0-9a-f]{64}");
        }
    }

    @Test
    void toolsListPaginatingForeverWithFreshCursorsStopsAtThePageCap() {
        AtomicInteger pagesServed = new AtomicInteger();
        ScriptedMcp mcp = ScriptedMcp.legacy().on("tools/list", (http, msg) -> {
            int page = pagesServed.incrementAndGet();
            ObjectNode result = ScriptedMcp.toolsResult(ScriptedMcp.tool("tool-" + page));
            result.put("nextCursor", "cursor-" + (page + 1)); // never seen before, so no loop to detect
            http.json(200, ScriptedMcp.result(msg, result));
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            int cap = ProbeSpec.Limits.DEFAULT.maxPages();
            assertFailure(r, Reason.TOOLS_LIST_ERROR, Phase.TOOLS_LIST);
            assertThat(r.failure().message()).isEqualTo("tools/list kept paginating past " + cap + " pages");
            assertThat(pagesServed).hasValue(cap);
        }
    }

    // ---- HTTP: headers ------------------------------------------------------------------------

    @Test
    void bearerChallengeWithAHugeQuotedRealmIsAuthRequiredWithWhatItCouldRead() {
        // A backtracking pattern recursed once per character of a quoted value and overflowed the stack.
        String realm = "r".repeat(100_000);
        ScriptedMcp mcp = ScriptedMcp.legacy().on("server/discover", (http, msg) -> {
            http.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", realm=\"" + realm + "\", scope=\"mcp:tools\"");
            http.empty(401);
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.AUTH_REQUIRED, Phase.DISCOVER);
            assertThat(r.failure().message()).startsWith("Authorization required (HTTP 401, Bearer) in discover: invalid_token; ");
            assertThat(r.auth().realm()).hasSize(201).startsWith("rrrr").endsWith("…");
            assertThat(r.auth().error()).isEqualTo("invalid_token");
            assertThat(r.auth().scope()).as("past the first " + AuthProbe.MAX_HEADER_CHARS + " characters, which are all it reads").isNull();
        }
    }

    @Test
    void bearerChallengeOfEscapedQuotesPastTheHeaderCapIsReadAsFarAsTheCap() {
        // 200,000 characters of \" inside one quoted value: every one an escape, and no closing quote within the cap.
        String escapes = "\\\"".repeat(100_000);
        ScriptedMcp mcp = ScriptedMcp.legacy().on("server/discover", (http, msg) -> {
            http.setHeader("WWW-Authenticate", "Basic realm=\"a\", Bearer error=\"" + escapes + "\"");
            http.empty(401);
        });
        try (FixtureServer server = FixtureServer.http(mcp)) {
            ProbeResult r = probe(spec(server));

            assertFailure(r, Reason.AUTH_REQUIRED, Phase.DISCOVER);
            assertThat(r.auth().error()).hasSize(201).startsWith("\"\"\"");
            assertThat(r.failure().message()).hasSizeLessThan(400);
        }
    }

    // ---- stdio --------------------------------------------------------------------------------

    @Test
    void stdioServerFloodingStdoutWithNotificationsHitsTheNotificationCap() {
        ProbeResult r = probe(node("""
                const line = JSON.stringify({jsonrpc: '2.0', method: 'notifications/message', params: {level: 'info', data: 'tick'}}) + '\\n';
                (function flood() { while (process.stdout.write(line)) {} process.stdout.once('drain', flood); })();
                """));

        // Detection opens with server/discover, so that is the step the flood drowns.
        assertFailure(r, Reason.RESPONSE_TOO_LARGE, Phase.DISCOVER);
        assertThat(r.failure().message()).isEqualTo("Server sent more than " + ProbeSpec.Limits.DEFAULT.maxSseEvents()
                + " notifications without answering discover");
    }

    @Test
    void stdioServerPrintingEndlessNonJsonLinesIsAParseError() {
        ProbeResult r = probe(node("""
                const line = 'loading model weights...\\n';
                (function flood() { while (process.stdout.write(line)) {} process.stdout.once('drain', flood); })();
                """));

        assertFailure(r, Reason.JSONRPC_PARSE_ERROR, Phase.DISCOVER);
        assertThat(r.failure().message())
                .isEqualTo("stdout carried more than 100 lines that are not JSON-RPC, e.g. 'loading model weights...'");
    }

    @Test
    void stdioServerThatNeverAnswersTimesOutInInitializeAfterDiscoverFallsBack() {
        ProbeResult r = probe(node("process.stdin.resume(); setInterval(() => {}, 60_000);"));

        assertFailure(r, Reason.TIMEOUT, Phase.INITIALIZE);
        assertThat(r.failure().message()).isEqualTo("Timeout after 2000 ms in initialize");
        assertThat(r.timings()).extracting(PhaseTiming::phase).containsSubsequence(Phase.SPAWN, Phase.DISCOVER, Phase.INITIALIZE);
    }

    @Test
    void stdioServerThatExitsAtOnceWhileItsChildHoldsStdoutIsConnectionRefusedNotATimeout(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        // The child gets the server's stdin (saved on fd 3: a background job's own stdin is /dev/null) and stdout, and stays.
        ProbeSpec spec = ProbeSpec.stdio(List.of("sh", "-c", "exec 3<&0; sleep 300 <&3 & echo $! > \"$0\"; exit 0", pidFile.toString()))
                .timeouts(DEADLINES).build();
        long start = System.nanoTime();

        ProbeResult r = probe(spec);

        long childPid = Long.parseLong(Files.readString(pidFile).strip());
        assertFailure(r, Reason.CONNECTION_REFUSED, Phase.DISCOVER);
        assertThat(r.failure().message())
                .isEqualTo("Server process exited with code 0 (a process it started still holds its stdout) before answering discover");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no step waited for its deadline").isLessThan(Duration.ofMillis(1_900));
        assertThat(awaitGone(childPid)).as("the child (PID %d) is killed with the server", childPid).isTrue();
    }

    @Test
    void stdioServerWhoseDaemonForksTwiceAndCallsSetsidLeavesNothingRunning(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("daemon.pid");
        // A classic daemon: the intermediate shell exits at once, its child starts a session of its own
        // and closes what it inherited; it is neither a descendant nor in the server's session any more.
        ProbeResult r = probe(nodeServer(dir, "spawn('sh', ['-c', 'setsid sh -c \\'echo $$ > \"$0\"; exec sleep 300\\' \"$0\" "
                + "</dev/null >/dev/null 2>&1 &', process.argv[2]], {stdio: 'ignore'});", pidFile));

        long daemonPid = awaitPid(pidFile);
        assertThat(r.failure()).as("%s", r.failure()).isNull();
        assertThat(awaitGone(daemonPid)).as("the daemon (PID %d) still runs after the probe", daemonPid).isTrue();
        assertThat(r.warnings()).anyMatch(w -> w.startsWith("the server left 1 process outside its session (pid " + daemonPid)
                && w.endsWith("mcpwatch killed them"));
    }

    @Test
    void stdioDaemonThatClearsItsEnvironmentButHoldsStdoutIsFoundByThePipeAndKilled(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("daemon.pid");
        // No marker variable to find it by: env -i. But it kept the server's stdout, which the probe knows.
        ProbeResult r = probe(nodeServer(dir, "spawn('sh', ['-c', 'setsid env -i sh -c \\'echo $$ > \"$0\"; exec sleep 300\\' \"$0\" "
                + "</dev/null 2>/dev/null &', process.argv[2]], {stdio: ['ignore', 'inherit', 'ignore']});", pidFile));

        long daemonPid = awaitPid(pidFile);
        assertThat(r.failure()).as("%s", r.failure()).isNull();
        assertThat(awaitGone(daemonPid)).as("the daemon (PID %d) still runs after the probe", daemonPid).isTrue();
        assertThat(r.warnings()).anyMatch(w -> w.startsWith("the server left 1 process outside its session (pid " + daemonPid));
    }

    // ---- memory -------------------------------------------------------------------------------

    @Test
    void fiftyProbesOfAHundredMegabyteServerLeaveTheHeapFlat() {
        try (FixtureServer server = FixtureServer.http(ScriptedMcp.legacy().on("initialize", hundredMegabyteJsonBody()))) {
            ProbeSpec spec = spec(server);
            long before = heapUsedAfterGc();

            assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
                for (int i = 0; i < 50; i++) {
                    ProbeResult r = prober.probe(spec);
                    assertThat(r.reason()).as("probe %d: %s", i, r.failure()).isEqualTo(Reason.RESPONSE_TOO_LARGE);
                }
            });

            long after = heapUsedAfterGc();
            System.out.printf("heap used: %.1f MB before, %.1f MB after 50 probes of a 100 MB body (max %.0f MB)%n",
                    mb(before), mb(after), mb(Runtime.getRuntime().maxMemory()));
            assertThat(after).as("heap used after GC, in bytes").isLessThan(48L * 1024 * 1024);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Runs a probe, failing the test if it does not return within its deadline plus {@link #SLACK}. */
    private ProbeResult probe(ProbeSpec spec) {
        Duration deadline = spec.timeouts().total();
        return assertTimeoutPreemptively(deadline.plus(SLACK), () -> prober.probe(spec),
                () -> "probe of " + spec.target() + " did not return within its " + deadline.toMillis() + " ms deadline + " + SLACK);
    }

    private static ProbeSpec spec(FixtureServer server) {
        return ProbeSpec.http(server.url("/mcp")).timeouts(DEADLINES).build();
    }

    private static ProbeSpec node(String script) {
        return ProbeSpec.stdio(List.of("node", "-e", script)).timeouts(DEADLINES).build();
    }

    /**
     * A healthy legacy stdio server in node that first runs {@code daemonize} (with {@code spawn}
     * from child_process, and the pid file as {@code process.argv[2]}).
     */
    private static ProbeSpec nodeServer(Path dir, String daemonize, Path pidFile) throws java.io.IOException {
        Path script = dir.resolve("server.js");
        Files.writeString(script, """
                'use strict';
                const { spawn } = require('node:child_process');
                %s
                const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
                require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
                  const req = JSON.parse(line);
                  if (req.id === undefined) return;
                  if (req.method === 'initialize') {
                    send({ jsonrpc: '2.0', id: req.id, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} },
                      serverInfo: { name: 'daemonizing', version: '1' } } });
                  } else if (req.method === 'tools/list') {
                    send({ jsonrpc: '2.0', id: req.id, result: { tools: [{ name: 'ok', inputSchema: { type: 'object' } }] } });
                  } else {
                    send({ jsonrpc: '2.0', id: req.id, error: { code: -32601, message: 'Method not found' } });
                  }
                });
                """.formatted(daemonize));
        return ProbeSpec.stdio(List.of("node", script.toString(), pidFile.toString())).timeouts(DEADLINES).build();
    }

    private static long awaitPid(Path pidFile) throws Exception {
        // Up to 10 s: on a loaded machine (two cores, several builds) the detached shell can take seconds to write it.
        for (int i = 0; i < 500 && (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()); i++) {
            Thread.sleep(20);
        }
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    /** Waits up to 3 s for a process to be gone or a zombie (dead, waiting for a parent that may never reap it). */
    private static boolean awaitGone(long pid) throws InterruptedException {
        try {
            for (int i = 0; i < 150; i++) {
                if (running(pid)) {
                    Thread.sleep(20);
                } else {
                    return true;
                }
            }
            return false;
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // never leave it behind, pass or fail
        }
    }

    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2); // the field after "(command name)"
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false; // gone
        }
    }

    private static void assertFailure(ProbeResult r, Reason reason, Phase phase) {
        assertThat(r.failure()).as("failure of a probe that should have failed").isNotNull();
        assertThat(r.failure().reason()).as(r.failure().message()).isEqualTo(reason);
        assertThat(r.failure().phase()).as(r.failure().message()).isEqualTo(phase);
    }

    /**
     * A JSON-RPC response whose body goes on for 100 MB, sent chunked (no Content-Length): whitespace
     * between its tokens, which no bound but the byte cap stops.
     */
    private static ScriptedMcp.Step hundredMegabyteJsonBody() {
        return (http, msg) -> {
            try (OutputStream out = http.stream(200, "application/json")) {
                out.write(("{\"jsonrpc\":\"2.0\",\"id\":" + idOf(msg) + ",\"result\":{\"pad\":").getBytes(StandardCharsets.UTF_8));
                writeFiller(out, HUNDRED_MB, ' ');
                out.write("1}}".getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    private static String idOf(JsonNode msg) {
        return msg.get("id").toString();
    }

    /** Writes {@code bytes} bytes of {@code fill} from one reused buffer: the fixture must not need the memory it attacks with. */
    private static void writeFiller(OutputStream out, long bytes, char fill) throws java.io.IOException {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) fill);
        for (long sent = 0; sent < bytes; sent += chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
        }
    }

    private static long heapUsedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
