package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stdio transport against real processes: a command that is not there, a server that dies
 * before it answers, a legacy server that logs on stdout, and the promises around the process
 * itself (its whole tree is killed, it gets the configured environment and working directory).
 */
class StdioProbeTest {
    /** A legacy stdio MCP server (node) that logs plain text on stdout before it answers. */
    private static final Path LEGACY_SERVER = resource("/stdio/legacy-server.js");

    private final Prober prober = new Prober();

    @Test
    void commandNotFoundIsConnectionRefusedInSpawnNamingTheCommand() {
        ProbeResult r = prober.probe(ProbeSpec.stdio(List.of("mcpwatch-no-such-server", "--stdio")).build());

        assertThat(r.reason()).isEqualTo(Reason.CONNECTION_REFUSED);
        assertThat(r.failure().phase()).isEqualTo(Phase.SPAWN);
        assertThat(r.failure().message()).startsWith("Could not start `mcpwatch-no-such-server`: ");
        assertThat(r.timings()).extracting(PhaseTiming::phase).containsExactly(Phase.SPAWN);
    }

    @Test
    void processThatExitsBeforeAnsweringIsConnectionRefusedWithExitCodeAndStderr() {
        ProbeResult r = prober.probe(ProbeSpec.stdio(List.of("sh", "-c",
                "echo 'fatal: WEATHER_API_KEY is not set' >&2; exit 3")).build());

        assertThat(r.reason()).isEqualTo(Reason.CONNECTION_REFUSED);
        assertThat(r.failure().phase()).isEqualTo(Phase.DISCOVER);
        assertThat(r.failure().message()).startsWith("Server process exited with code 3 before answering discover")
                .contains("stderr: 'fatal: WEATHER_API_KEY is not set'");
    }

    @Test
    void serverLoggingPlainTextOnStdoutIsHealthyWithAWarning() {
        ProbeResult r = prober.probe(ProbeSpec.stdio(List.of("node", LEGACY_SERVER.toString())).build());

        assertThat(r.failure()).isNull();
        assertThat(r.transport()).isEqualTo(Transport.STDIO);
        assertThat(r.era()).isEqualTo(Era.LEGACY);
        assertThat(r.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(r.server().name()).isEqualTo("legacy-stdio-fixture");
        assertThat(r.tools().names()).containsExactly("whereami", "echo");
        assertThat(r.timings()).extracting(PhaseTiming::phase)
                .containsSubsequence(Phase.SPAWN, Phase.DISCOVER, Phase.INITIALIZE, Phase.INITIALIZED, Phase.TOOLS_LIST, Phase.CLOSE);
        assertThat(r.warnings()).contains(
                "stdout carried a line that is not JSON-RPC (stdio servers must log to stderr): "
                        + "'legacy-stdio-fixture 1.0.0 starting (logging to stdout by mistake)'",
                "stdout carried a line that is not JSON-RPC (stdio servers must log to stderr): "
                        + "'legacy-stdio-fixture: client says hello, answering initialize'");
    }

    @Test
    void processTreeIsKilledAtTheEnd(@TempDir Path dir) throws IOException, InterruptedException {
        Path pidFile = dir.resolve("grandchild.pid");
        // sh starts a long sleep in the background, notes its PID, then becomes the server itself.
        List<String> command = List.of("sh", "-c", "sleep 300 & echo $! > \"$0\"; exec node \"$1\"",
                pidFile.toString(), LEGACY_SERVER.toString());

        ProbeResult r = prober.probe(ProbeSpec.stdio(command).build());

        long sleepPid = Long.parseLong(Files.readString(pidFile).strip());
        try {
            assertThat(r.failure()).isNull();
            assertThat(awaitGone(sleepPid, 3_000)).as("sleep (PID %d) still running after the probe", sleepPid).isTrue();
        } finally {
            ProcessHandle.of(sleepPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void childrenOfAServerThatExitedByItselfAreKilledToo(@TempDir Path dir) throws IOException, InterruptedException {
        Path pidFile = dir.resolve("orphan.pid");
        // The "server" starts a long sleep and exits at once: the sleep is orphaned before the probe ends.
        List<String> command = List.of("sh", "-c", "sleep 300 & echo $! > \"$0\"; exit 3", pidFile.toString());

        ProbeResult r = prober.probe(ProbeSpec.stdio(command).build());

        long sleepPid = Long.parseLong(Files.readString(pidFile).strip());
        try {
            assertThat(r.reason()).isEqualTo(Reason.CONNECTION_REFUSED);
            assertThat(awaitGone(sleepPid, 3_000)).as("orphaned sleep (PID %d) still running after the probe", sleepPid).isTrue();
        } finally {
            ProcessHandle.of(sleepPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void environmentAndWorkingDirectoryReachTheProcess(@TempDir Path dir) throws IOException {
        ProbeResult r = prober.probe(ProbeSpec.stdio(List.of("node", LEGACY_SERVER.toString()))
                .env(Map.of("FIXTURE_SERVER_NAME", "weather-prod", "FIXTURE_GREETING", "hello from mcpwatch"))
                .workingDirectory(dir.toString())
                .toolCall(new ProbeSpec.ToolCall("whereami", null, "greeting=hello from mcpwatch"))
                .build());

        assertThat(r.failure()).isNull();
        assertThat(r.server().name()).isEqualTo("weather-prod");
        assertThat(r.toolCall().text()).isEqualTo("cwd=" + dir.toRealPath() + " greeting=hello from mcpwatch");
        assertThat(r.toolCall().assertionPassed()).isTrue();
    }

    /**
     * Waits until the process is gone or dead. A killed orphan is re-parented to PID 1, and where PID 1
     * does not reap (as in many containers) it stays a zombie: dead, but {@link ProcessHandle#isAlive}
     * still says true. So a zombie counts as gone.
     */
    private static boolean awaitGone(long pid, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (!running(pid)) {
                return true;
            }
            Thread.sleep(50);
        }
        return !running(pid);
    }

    private static boolean running(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2); // the field after "(command name)"
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false; // gone between the two looks
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(StdioProbeTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
