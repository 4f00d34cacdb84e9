package dev.mcpwatch.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds every process a stdio server started, even ones it orphaned. On Linux the server is started
 * in a session of its own ({@code setsid}), so its session id is its pid; every process it starts
 * keeps that session id after it is re-parented, which the process tree cannot follow. Elsewhere, or
 * without {@code setsid}, the process tree is all there is.
 */
final class ProcessSession {
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Path PROC = Path.of("/proc");

    private ProcessSession() {}

    /** The command to start, in a session of its own when the platform allows it. */
    static List<String> command(List<String> command) {
        if (!Files.isExecutable(SETSID) || !Files.isDirectory(PROC)) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(SETSID.toString());
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Why {@code program} cannot be started, or null when it can: checked before starting, because
     * behind {@code setsid} a missing program would look like a server that exited at once.
     */
    static String unstartable(String program, String path, String workingDirectory) {
        if (program.contains("/")) {
            Path p = workingDirectory == null ? Path.of(program) : Path.of(workingDirectory).resolve(program);
            return Files.isExecutable(p) ? null : "no executable file " + p;
        }
        for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return null;
            }
        }
        return "not found on PATH";
    }

    /** Every live process whose session is {@code leaderPid}'s, the leader excepted. */
    static List<ProcessHandle> members(long leaderPid) {
        if (!Files.isDirectory(PROC)) {
            return List.of();
        }
        List<ProcessHandle> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(PROC)) {
            entries.forEach(p -> {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || name.equals(Long.toString(leaderPid))) {
                    return;
                }
                if (sessionOf(p) == leaderPid) {
                    ProcessHandle.of(Long.parseLong(name)).ifPresent(out::add);
                }
            });
        } catch (IOException | RuntimeException e) {
            // /proc changed under us or is not readable: fall back to what the process tree finds
        }
        return out;
    }

    /** Field 6 of /proc/PID/stat; the command name (field 2) may hold spaces and parentheses, so count from the last ')'. */
    private static long sessionOf(Path procDir) {
        try {
            String stat = Files.readString(procDir.resolve("stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
