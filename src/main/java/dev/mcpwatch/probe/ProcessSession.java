package dev.mcpwatch.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds every process a stdio server started, even ones it orphaned or that made themselves daemons.
 * On Linux the server is started in a session of its own ({@code setsid}), so its session id is its
 * pid; every process it starts keeps that session id after it is re-parented, which the process tree
 * cannot follow. A daemon that forks twice and calls {@code setsid} leaves that session too, so the
 * server also gets an environment variable with a value of its own ({@link #MARKER}), which children
 * inherit whatever session or parent they end up with, and the pipes of its stdin, stdout and stderr
 * are noted: a process still holding one of them is one of its own. What none of these find is a
 * daemon that clears its environment and closes what it inherited; nothing short of a cgroup finds
 * that (README, Bounds). Elsewhere than Linux the process tree is all there is.
 */
final class ProcessSession {
    /** The variable every stdio server and its descendants carry, with a value unique to the probe. */
    static final String MARKER = "MCPWATCH_PROBE_ID";
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Path PROC = Path.of("/proc");
    /** More than any real environment; a larger one is not read past this. */
    private static final int MAX_ENVIRON = 256 * 1024;

    private ProcessSession() {}

    /** A value for {@link #MARKER}, unique to one probe. */
    static String newMarker() {
        return java.util.UUID.randomUUID().toString();
    }

    /** The pipes behind a process's stdin, stdout and stderr ({@code pipe:[inode]}), read while it runs. */
    static Set<String> pipesOf(long pid) {
        Set<String> pipes = new HashSet<>();
        for (int fd = 0; fd <= 2; fd++) {
            try {
                String target = Files.readSymbolicLink(PROC.resolve(pid + "/fd/" + fd)).toString();
                if (target.startsWith("pipe:")) {
                    pipes.add(target);
                }
            } catch (IOException | RuntimeException e) {
                // gone already, or not Linux
            }
        }
        return pipes;
    }

    /** Every live process whose environment carries {@code MARKER=value}, this JVM excepted. */
    static List<ProcessHandle> marked(String value) {
        byte[] needle = ("\0" + MARKER + "=" + value + "\0").getBytes(StandardCharsets.US_ASCII);
        return scan(pid -> {
            byte[] env;
            try (InputStream in = Files.newInputStream(PROC.resolve(pid + "/environ"))) {
                env = in.readNBytes(MAX_ENVIRON);
            }
            // Each variable ends in a NUL; with one in front of the first, every variable sits between two.
            byte[] padded = new byte[env.length + 1];
            System.arraycopy(env, 0, padded, 1, env.length);
            return indexOf(padded, needle) >= 0;
        });
    }

    /** Every live process, this JVM excepted, with a descriptor on one of {@code pipes}. */
    static List<ProcessHandle> holding(Set<String> pipes) {
        if (pipes.isEmpty()) {
            return List.of();
        }
        return scan(pid -> {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
                for (Path fd : fds) {
                    try {
                        if (pipes.contains(Files.readSymbolicLink(fd).toString())) {
                            return true;
                        }
                    } catch (IOException e) {
                        // closed while we looked
                    }
                }
            }
            return false;
        });
    }

    /** Whether a process still runs: a zombie has died (it only waits for a parent to reap it). */
    static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(PROC.resolve(p.pid() + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return !Files.isDirectory(PROC) && p.isAlive(); // gone, or not Linux (where isAlive is all we have)
        }
    }

    private interface Test {
        boolean matches(long pid) throws IOException;
    }

    /** The live processes (not this JVM) that pass {@code test}; unreadable ones are skipped. */
    private static List<ProcessHandle> scan(Test test) {
        if (!Files.isDirectory(PROC)) {
            return List.of();
        }
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
                    continue;
                }
                long pid = Long.parseLong(name);
                try {
                    if (test.matches(pid)) {
                        ProcessHandle.of(pid).ifPresent(out::add);
                    }
                } catch (IOException | RuntimeException e) {
                    // exited meanwhile, or not ours to read
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc is not readable: what the process tree finds is all there is
        }
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

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
        return scan(pid -> pid != leaderPid && sessionOf(PROC.resolve(Long.toString(pid))) == leaderPid);
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
