package dev.mcpwatch.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remediation command with real processes: its exit code and the end of its output, secrets
 * replaced; the configured environment only; one that hangs is killed with its process tree at its
 * timeout; one that cannot start says why.
 */
@Timeout(60)
class ActionTest {
    private static final String SH = "/bin/sh";

    @Test
    void aCommandsExitCodeAndOutputTailAreKeptWithItsSecretsReplaced(@TempDir Path dir) {
        var outcome = new Action.Command(List.of(SH, "-c", "for i in $(seq 1 30); do echo line $i; done; echo token=$TOKEN; env | wc -l; exit 3"),
                dir.toString(), Map.of("TOKEN", "s3cret-token-value", "PATH", "/usr/bin:/bin"), Duration.ofSeconds(20)).run();
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.output().lines().toList()).hasSize(Action.TAIL_LINES).contains("line 30", "token=(redacted)")
                .doesNotContain("line 1");
        assertThat(outcome.output()).doesNotContain("s3cret-token-value");
        assertThat(outcome.output().lines().toList().getLast().strip()).as("only the configured variables (and the shell's own)")
                .matches("[0-9]");
        assertThat(outcome.summary()).isEqualTo("command /bin/sh: exit code 3 after " + outcome.durationMs() + " ms");
    }

    @Test
    void aCommandThatHangsIsKilledWithEverythingItStartedAtItsTimeout(@TempDir Path dir) throws Exception {
        Path pid = dir.resolve("child.pid");
        var outcome = new Action.Command(List.of(SH, "-c", "sleep 300 & echo $! > " + pid + "; echo waiting; wait"), null,
                Map.of("PATH", "/usr/bin:/bin"), Duration.ofSeconds(2)).run();
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.error()).isEqualTo("still running after 2 s, killed with its descendants");
        assertThat(outcome.durationMs()).isBetween(1_900L, 15_000L);
        assertThat(outcome.output()).isEqualTo("waiting");
        long child = Long.parseLong(java.nio.file.Files.readString(pid).strip());
        ServeFixtureAwait.until("the sleep it started is gone", () -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void aCommandThatCannotStartSaysWhy() {
        var outcome = new Action.Command(List.of("/nonexistent/restart-me"), null, Map.of(), Duration.ofSeconds(5)).run();
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.error()).startsWith("could not start: ").contains("/nonexistent/restart-me");
    }

    /** Waiting on a real process to go, bounded. */
    private static final class ServeFixtureAwait {
        static void until(String what, java.util.function.BooleanSupplier condition) {
            dev.mcpwatch.testkit.ServeFixture.await(what, Duration.ofSeconds(10), condition);
        }
    }
}
