package dev.mcpwatch.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code @modelcontextprotocol/server-everything}, the third-party reference server from npm, run
 * as a child process. It calls {@code listen(PORT)} on every interface, so it is started with
 * {@code test-servers/loopback-only.cjs} preloaded and then checked: a server found listening
 * beyond loopback fails the test. The process tree is killed by PID on close.
 */
public final class NpmServer implements AutoCloseable {
    public static final Path TEST_SERVERS = Path.of("test-servers").toAbsolutePath();
    public static final Path EVERYTHING = TEST_SERVERS.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    public static final String EVERYTHING_NAME = "mcp-servers/everything";

    private final Process process;
    private final int port;
    private final String path;
    private final Path log;

    private NpmServer(String mode, String path) {
        requireInstalled();
        this.port = freePort();
        this.path = path;
        try {
            this.log = Files.createTempFile("server-everything-" + mode + "-", ".log");
            ProcessBuilder pb = new ProcessBuilder("node", "--require", TEST_SERVERS.resolve("loopback-only.cjs").toString(),
                    EVERYTHING.toString(), mode);
            pb.environment().put("PORT", Integer.toString(port));
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            this.process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start node (is Node.js installed?): " + e.getMessage(), e);
        }
        awaitListening();
        assertLoopbackOnly(port);
    }

    /** server-everything in its streamable HTTP mode, at /mcp. */
    public static NpmServer streamableHttp() {
        return new NpmServer("streamableHttp", "/mcp");
    }

    /** server-everything in its deprecated SSE mode, at /sse. */
    public static NpmServer sse() {
        return new NpmServer("sse", "/sse");
    }

    /** The command that runs server-everything over stdio. */
    public static List<String> stdioCommand() {
        requireInstalled();
        return List.of("node", EVERYTHING.toString(), "stdio");
    }

    public String url() {
        return "http://127.0.0.1:" + port + path;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void requireInstalled() {
        if (!Files.isRegularFile(EVERYTHING)) {
            throw new IllegalStateException("server-everything is not installed at " + EVERYTHING
                    + ": run `npm ci` in test-servers/ (mvn verify does it in generate-test-resources)");
        }
    }

    private void awaitListening() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server-everything exited with " + process.exitValue() + ": " + logTail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                sleep(100);
            }
        }
        close();
        throw new IllegalStateException("server-everything did not listen on port " + port + " within 30 s: " + logTail());
    }

    private String logTail() {
        try {
            String s = Files.readString(log);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Fails unless every socket listening on {@code port} is bound to a loopback address. */
    static void assertLoopbackOnly(int port) {
        List<String> listeners = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 4 || !f[3].equals("0A") || !f[1].contains(":")) {
                        continue; // not a listening socket
                    }
                    String[] local = f[1].split(":");
                    if (Integer.parseInt(local[1], 16) == port) {
                        listeners.add(local[0].toUpperCase(Locale.ROOT));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + table + " to check the bound address", e);
            }
        }
        if (listeners.isEmpty()) {
            throw new AssertionError("nothing listens on port " + port);
        }
        for (String addr : listeners) {
            boolean v4Loopback = addr.equals("0100007F");
            boolean v6Loopback = addr.equals("00000000000000000000000001000000");
            if (!v4Loopback && !v6Loopback) {
                throw new AssertionError("a test server listens on port " + port + " beyond loopback (address " + addr + ")");
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
