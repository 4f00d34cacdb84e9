package dev.mcpwatch.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * {@code mcpwatch serve} as a real child process (the test classpath's {@code dev.mcpwatch.cli.Main}),
 * so a test can {@code kill -9} it and start it again on the same data and port, as an operator's
 * process manager would.
 */
public final class ServeProcess implements AutoCloseable {
    private final Path config;
    private final Path dir;
    private final int port;
    private final List<String> args;
    private Process process;
    private int starts;

    public ServeProcess(Path dir, String monitorsYaml) throws IOException {
        this(dir, "  url: jdbc:sqlite:" + dir.resolve("mcpwatch.db") + "\n", monitorsYaml, List.of());
    }

    private ServeProcess(Path dir, String storageYaml, String monitorsYaml, List<String> args) throws IOException {
        this.dir = dir;
        this.port = freePort();
        this.args = List.copyOf(args);
        this.config = dir.resolve("mcpwatch.yaml");
        Files.writeString(config, """
                server:
                  host: 127.0.0.1
                  port: %d
                storage:
                """.formatted(port) + storageYaml + monitorsYaml);
    }

    /**
     * A node on a shared PostgreSQL database ({@code jdbcUrl}, user {@code postgres}), started with
     * {@code serve}'s extra {@code args} (say {@code --location eu}), as one of several nodes.
     */
    public static ServeProcess onPostgres(Path dir, String jdbcUrl, String monitorsYaml, String... args) throws IOException {
        return new ServeProcess(dir, "  url: " + jdbcUrl + "\n  username: postgres\n", monitorsYaml, List.of(args));
    }

    public int port() {
        return port;
    }

    public ServeProcess start() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), "dev.mcpwatch.cli.Main", "serve", "--config", config.toString()));
        cmd.addAll(args);
        Path log = dir.resolve("serve-" + (++starts) + ".log");
        process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("serve exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            if (status("/health") > 0) {
                return this;
            }
            sleep(200);
        }
        throw new IllegalStateException("serve did not answer on port " + port + " within 60 s: " + Files.readString(log));
    }

    /** The output (stdout and stderr) of the latest start. */
    public Path log() {
        return dir.resolve("serve-" + starts + ".log");
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public JsonNode get(String path) {
        return Http.getJson("http://127.0.0.1:" + port + path);
    }

    private int status(String path) {
        return Http.status("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
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
