package dev.mcpwatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's second command, {@code ./test}, on machines of this kind: it installs the browser
 * the tests need when it can, says exactly what to install when it cannot (and stops before Maven),
 * and CI runs that same command. Played with a stand-in apt-get and browser paths, so nothing is
 * installed for real here.
 */
class TestScriptTest {
    private static final Path SCRIPT = Path.of("test").toAbsolutePath();

    record Run(int exitCode, String output) {}

    @TempDir
    Path dir;

    @Test
    void withoutTheBrowserAndNoWayToInstallItItSaysExactlyWhatToInstallAndStops() throws Exception {
        Run run = check(Map.of("MCPWATCH_CHROMIUM", dir.resolve("chromium").toString(), "MCPWATCH_CHROMEDRIVER",
                dir.resolve("chromedriver").toString(), "MCPWATCH_APT_GET", dir.resolve("no-apt-get").toString()));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("apt-get install -y chromium chromium-driver");
    }

    @Test
    void withAptGetItInstallsTheBrowserThenGoesOn() throws Exception {
        Path chromium = dir.resolve("chromium");
        Path driver = dir.resolve("chromedriver");
        Path log = dir.resolve("apt.log");
        // A stand-in apt-get: records what it was asked, and "installs" the two programs where the script looks.
        Path apt = dir.resolve("apt-get");
        Files.writeString(apt, """
                #!/bin/sh
                echo "$@" >> %s
                if [ "$1" = install ]; then
                  printf '#!/bin/sh\\necho "ChromeDriver 1.0 (stand-in)"\\n' > %s
                  cp %s %s
                  chmod +x %s %s
                fi
                """.formatted(log, driver, driver, chromium, chromium, driver));
        Files.setPosixFilePermissions(apt, PosixFilePermissions.fromString("rwxr-xr-x"));

        Run run = check(Map.of("MCPWATCH_CHROMIUM", chromium.toString(), "MCPWATCH_CHROMEDRIVER", driver.toString(),
                "MCPWATCH_APT_GET", apt.toString()));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Files.readAllLines(log)).containsExactly("update -q", "install -y -q chromium chromium-driver");
        assertThat(run.output()).contains("installing chromium and chromium-driver", "ChromeDriver 1.0 (stand-in)");
    }

    @Test
    void withoutPrometheusAndNoWayToInstallItItSaysExactlyWhatToInstallAndStops() throws Exception {
        Run run = check(Map.of("MCPWATCH_PROMETHEUS", dir.resolve("prometheus").toString(), "MCPWATCH_APT_GET",
                dir.resolve("no-apt-get").toString()));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("apt-get install -y prometheus");
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
