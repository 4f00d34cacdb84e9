package dev.mcpwatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's second command, {@code ./test}, on machines of this kind: it installs the browser,
 * nginx and Prometheus the tests need when it can (the servers without starting their services),
 * says exactly what to install when it cannot (and stops before Maven), and CI runs that same
 * command. Played with a stand-in apt-get and program paths, so nothing is installed for real here.
 */
class TestScriptTest {
    private static final Path SCRIPT = Path.of("test").toAbsolutePath();

    record Run(int exitCode, String output) {}

    @TempDir
    Path dir;

    @Test
    void withoutTheBrowserAndNoWayToInstallItItSaysExactlyWhatToInstallAndStops() throws Exception {
        Map<String, String> env = new HashMap<>(machine(false, true));
        env.put("MCPWATCH_APT_GET", dir.resolve("no-apt-get").toString());
        Run run = check(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("apt-get install -y chromium chromium-driver").doesNotContain("nginx prometheus");
    }

    @Test
    void withoutNginxOrPrometheusAndNoWayToInstallThemItSaysExactlyWhatToInstallAndStops() throws Exception {
        Map<String, String> env = new HashMap<>(machine(true, false));
        env.put("MCPWATCH_APT_GET", dir.resolve("no-apt-get").toString());
        Run run = check(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("apt-get install -y --no-install-recommends nginx prometheus")
                .doesNotContain("chromium chromium-driver");
    }

    @Test
    void withAptGetItInstallsTheBrowserThenGoesOn() throws Exception {
        Map<String, String> env = new HashMap<>(machine(false, true));
        env.put("MCPWATCH_APT_GET", standInAptGet().toString());
        Run run = check(env);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Files.readAllLines(dir.resolve("apt.log"))).containsExactly("update -q", "install -y -q chromium chromium-driver");
        assertThat(run.output()).contains("installing chromium and chromium-driver", "ChromeDriver 1.0 (stand-in)");
    }

    @Test
    void withAptGetItInstallsNginxAndPrometheusWithoutStartingTheirServices() throws Exception {
        Map<String, String> env = new HashMap<>(machine(true, false));
        env.put("MCPWATCH_APT_GET", standInAptGet().toString());
        Run run = check(env);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Files.readAllLines(dir.resolve("apt.log"))).containsExactly("update -q",
                "install -y -q --no-install-recommends nginx prometheus", "services refused while installing: 101");
        assertThat(dir.resolve("policy-rc.d")).as("the refusal is lifted afterwards").doesNotExist();
        assertThat(run.output()).contains("installing nginx and prometheus for the canary tests", "nginx version: stand-in",
                "prometheus, version stand-in");
    }

    /** The paths of the programs the script looks for: present as stand-ins, or absent. */
    private Map<String, String> machine(boolean browser, boolean servers) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("MCPWATCH_CHROMIUM", dir.resolve("chromium").toString());
        env.put("MCPWATCH_CHROMEDRIVER", dir.resolve("chromedriver").toString());
        env.put("MCPWATCH_NGINX", dir.resolve("nginx").toString());
        env.put("MCPWATCH_PROMETHEUS", dir.resolve("prometheus").toString());
        env.put("MCPWATCH_POLICY_RC_D", dir.resolve("policy-rc.d").toString());
        if (browser) {
            program("chromedriver", "echo \"ChromeDriver 1.0 (stand-in)\"");
            program("chromium", "echo \"ChromeDriver 1.0 (stand-in)\"");
        }
        if (servers) {
            program("nginx", "echo \"nginx version: stand-in\" >&2");
            program("prometheus", "echo \"prometheus, version stand-in\"");
        }
        return env;
    }

    private void program(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * A stand-in apt-get: records what it was asked and "installs" the programs where the script
     * looks; while installing nginx and prometheus it records what the policy-rc.d in force says to
     * a service start.
     */
    private Path standInAptGet() throws IOException {
        Path apt = dir.resolve("apt-get");
        Files.writeString(apt, """
                #!/bin/sh
                echo "$@" >> %1$s/apt.log
                case "$*" in
                  *"chromium chromium-driver"*)
                    printf '#!/bin/sh\\necho "ChromeDriver 1.0 (stand-in)"\\n' > %1$s/chromedriver
                    cp %1$s/chromedriver %1$s/chromium
                    chmod +x %1$s/chromedriver %1$s/chromium ;;
                  *"nginx prometheus"*)
                    %1$s/policy-rc.d nginx start; echo "services refused while installing: $?" >> %1$s/apt.log
                    printf '#!/bin/sh\\necho "nginx version: stand-in" >&2\\n' > %1$s/nginx
                    printf '#!/bin/sh\\necho "prometheus, version stand-in"\\n' > %1$s/prometheus
                    chmod +x %1$s/nginx %1$s/prometheus ;;
                esac
                """.formatted(dir));
        Files.setPosixFilePermissions(apt, PosixFilePermissions.fromString("rwxr-xr-x"));
        return apt;
    }

    @Test
    void withoutPrometheusAndNoWayToInstallItItSaysExactlyWhatToInstallAndStops() throws Exception {
        Run run = check(Map.of("MCPWATCH_PROMETHEUS", dir.resolve("prometheus").toString(), "MCPWATCH_APT_GET",
                dir.resolve("no-apt-get").toString()));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("apt-get install -y --no-install-recommends nginx prometheus");
    }

    @Test
    void ciRunsTheReadmesTestCommand() throws IOException {
        assertThat(Files.readString(Path.of(".ci", "run"))).containsPattern("(?m)^exec \\./test( |$)");
        assertThat(Files.readString(Path.of("README.md"))).containsPattern("(?m)^\\./test +#");
        assertThat(Files.isExecutable(SCRIPT)).isTrue();
    }

    private Run check(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "--check").redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }
}
