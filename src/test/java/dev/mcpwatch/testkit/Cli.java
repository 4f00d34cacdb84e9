package dev.mcpwatch.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code mcpwatch ARGS} run as a person or a pipeline runs it: a child JVM on the tests' class path, its exit code and output. */
public final class Cli {
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final String CLASSPATH = System.getProperty("java.class.path");

    /** What one run left behind. */
    public record Run(int exitCode, String out, String err) {}

    private Cli() {}

    /** Runs the command line with {@code env} added to this environment; fails the test if it does not exit within 60 s. */
    public static Run mcpwatch(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", CLASSPATH,
                "dev.mcpwatch.cli.Main"));
        command.addAll(List.of(args));
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("mcpwatch-cli-", ".out");
            err = Files.createTempFile("mcpwatch-cli-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().putAll(env);
            process = pb.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("mcpwatch " + String.join(" ", args) + " did not exit within 60 s");
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new IllegalStateException("could not run mcpwatch: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            for (Path p : new Path[] {out, err}) {
                if (p != null) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // a temporary file left behind
                    }
                }
            }
        }
    }
}
