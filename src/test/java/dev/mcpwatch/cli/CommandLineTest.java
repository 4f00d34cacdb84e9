package dev.mcpwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's own words, as an operator reads them in a child JVM: the help says what each
 * command does in whole sentences, and a command given too little says what is missing.
 */
class CommandLineTest {
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

    record Run(int exitCode, String out, String err) {}

    @TempDir
    Path dir;

    @Test
    void theHelpListsEveryCommandWithAWholeSentence() throws Exception {
        Run help = mcpwatch("--help");

        assertThat(help.exitCode()).isZero();
        List<String> summaries = new ArrayList<>();
        StringBuilder current = null;
        boolean inCommands = false;
        for (String line : help.out().split("\n")) {
            if (line.equals("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.matches("  [a-z]+ +.*")) {
                if (current != null) {
                    summaries.add(current.toString());
                }
                current = new StringBuilder(line.strip());
            } else if (inCommands && current != null && line.startsWith("    ")) {
                current.append(' ').append(line.strip());
            }
        }
        summaries.add(current.toString());
        assertThat(summaries).extracting(s -> s.split(" +", 2)[0]).contains("probe", "serve", "ack", "canary");
        assertThat(summaries).allSatisfy(s -> assertThat(s).as("a summary that ends its sentence").endsWith("."));
    }

    @Test
    void probeHelpShowsTheEnvironmentReferenceItAccepts() throws Exception {
        Run help = mcpwatch("probe", "--help");

        assertThat(help.out()).contains("Send a header. ${VAR} in the value is read from").doesNotContain("null in the value");
    }

    @Test
    void serveWithALocationThatCannotBeOneIsAUsageErrorSayingWhatALocationIs() throws Exception {
        Run bad = mcpwatch("serve", "--location", "eu west");

        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).startsWith("mcpwatch serve: --location must be 1 to 40 letters, digits, '.', '_' or '-'")
                .contains("got 'eu west'");
    }

    @Test
    void canaryWithoutBothSidesIsAUsageErrorNamingWhatIsMissing() throws Exception {
        Run bare = mcpwatch("canary");
        Run half = mcpwatch("canary", "--stable", "http://127.0.0.1:9/mcp");

        assertThat(bare.exitCode()).isEqualTo(1);
        assertThat(bare.err()).startsWith("mcpwatch canary: missing --stable URL");
        assertThat(half.exitCode()).isEqualTo(1);
        assertThat(half.err()).startsWith("mcpwatch canary: missing --canary URL");
        assertThat(half.out()).isEmpty();
    }

    @Test
    void anUnknownCommandNamesTheRightHelp() throws Exception {
        Run run = mcpwatch("drift", "shw", "x");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("Run 'mcpwatch drift --help' for usage.").doesNotContain("mcpwatch mcpwatch");
    }

    private Run mcpwatch(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("mcpwatch %s exits within 60 s", String.join(" ", args)).isTrue();
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.destroyForcibly();
        }
    }
}
