package dev.mcpwatch.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A program from the machine (Debian's nginx, Prometheus) run for one test: in a temporary folder of
 * its own, listening on one loopback port, stopped by its PID (TERM, then KILL after a few seconds)
 * and its folder deleted when the test closes it.
 */
final class ExternalProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path dir;
    private final Path log;
    private final int port;

    private ExternalProcess(String name, Process process, Path dir, Path log, int port) {
        this.name = name;
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.port = port;
    }

    /** Starts {@code command} in {@code dir} and waits (at most 30 s) until it accepts connections on {@code port}, on loopback only. */
    static ExternalProcess start(String name, List<String> command, Path dir, int port) {
        Path program = Path.of(command.getFirst());
        if (!Files.isExecutable(program)) {
            throw new IllegalStateException(name + " is not installed at " + program + ": ./test installs it (apt-get install -y "
                    + name + ")");
        }
        Path log = dir.resolve(name + ".log");
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + name + ": " + e.getMessage(), e);
        }
        ExternalProcess running = new ExternalProcess(name, p, dir, log, port);
        running.awaitListening();
        NpmServer.assertLoopbackOnly(port);
        return running;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    String logTail() {
        try {
            String s = Files.readString(log);
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void awaitListening() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                String tail = logTail();
                deleteDir();
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + tail);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        String tail = logTail();
        close();
        throw new IllegalStateException(name + " did not listen on 127.0.0.1:" + port + " within 30 s: " + tail);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteDir();
    }

    private void deleteDir() {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }
}
