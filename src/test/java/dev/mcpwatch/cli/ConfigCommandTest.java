package dev.mcpwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.mcpwatch.testkit.Examples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcpwatch config check FILE} as an operator runs it before a deploy, in a child JVM with a
 * real environment: exit 0 and OK for a good file, exit 1 and every problem for a bad one. And
 * {@code mcpwatch serve} refuses to start on the same bad file, saying the same things. And
 * {@code mcpwatch config schema} prints the schema shipped in the repository, which a standard
 * validator (as an editor runs it) finds the example valid against and a misspelled key not.
 */
class ConfigCommandTest {
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final String CLASSPATH = System.getProperty("java.class.path");
    private static final String TOKEN_VAR = "MCPWATCH_TEST_CONFIG_TOKEN";
    private static final Path CHECKED_IN = Path.of("schema/mcpwatch.schema.json");

    private static final String GOOD = """
            monitors:
              - id: alpha
                url: https://alpha.example.com/mcp
                headers: {Authorization: "Bearer ${MCPWATCH_TEST_CONFIG_TOKEN}"}
              - id: beta
                url: https://beta.example.com/mcp
            """;
    private static final String BAD = """
            monitors:
              - id: alpha
                url: alpha.example.com
              - id: beta
                url: https://beta.example.com/mcp
                intervall: 30s
              - id: gamma
                url: https://gamma.example.com/mcp
                headers: {Authorization: "Bearer ${MCPWATCH_TEST_CONFIG_TOKEN}"}
            """;

    record Run(int exitCode, String out, String err) {}

    @TempDir
    Path dir;

    @Test
    void aGoodFileIsOkAndExitsZero() throws IOException {
        Path file = Files.writeString(dir.resolve("mcpwatch.yaml"), GOOD);

        Run run = mcpwatch(Map.of(TOKEN_VAR, "secret-value"), "config", "check", file.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo(file + ": OK, 2 monitors, storage jdbc:sqlite:./data/mcpwatch.db\n");
        assertThat(run.out() + run.err()).doesNotContain("secret-value");
    }

    @Test
    void aBadFileExitsOneWithEveryProblemByFileAndPath() throws IOException {
        Path file = Files.writeString(dir.resolve("mcpwatch.yaml"), BAD);

        Run run = mcpwatch(Map.of(), "config", "check", file.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith(file + ": 3 problems:\n")
                .contains("  " + file + ": monitors[0].url: must be an http:// or https:// URL with a host, got 'alpha.example.com'\n")
                .contains("  " + file + ": monitors[1].intervall: unknown setting (did you mean interval?)")
                .contains("  " + file + ": monitors[2].headers.Authorization: environment variable " + TOKEN_VAR + " is not set\n");
    }

    @Test
    void theShippedExampleChecksOk() throws Exception {
        int monitors = new dev.mcpwatch.configfile.ConfigLoader(k -> null).load(java.nio.file.Path.of("examples/mcpwatch.yaml")).monitors().size();

        Run run = mcpwatch(Map.of(), "config", "check", "examples/mcpwatch.yaml");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("examples/mcpwatch.yaml: OK, " + monitors + " monitors, storage jdbc:sqlite:./data/mcpwatch.db\n");
    }

    @Test
    void aFolderIsCheckedAsOne() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "server: {port: 8181}\n" + GOOD);
        Files.writeString(dir.resolve("b.yaml"), "server: {port: 8282}\n");

        Run run = mcpwatch(Map.of(TOKEN_VAR, "x"), "config", "check", dir.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).isEqualTo(dir + ": 1 problem:\n  b.yaml: server: is also defined in a.yaml; define it once\n");
    }

    @Test
    void serveRefusesToStartOnABadFile() throws IOException {
        Path file = Files.writeString(dir.resolve("mcpwatch.yaml"), BAD);

        Run run = mcpwatch(dir, Map.of(), "serve", "--config", file.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).startsWith("mcpwatch: the configuration has 3 problems; not starting:\n")
                .contains("  " + file + ": monitors[0].url: must be an http:// or https:// URL with a host");
        assertThat(dir.resolve("data")).as("no database was created").doesNotExist();
    }

    @Test
    void theSchemaInTheRepositoryIsWhatConfigSchemaPrints() throws IOException {
        Run run = schema();

        assertThat(run.exitCode()).as(run.toString()).isZero();
        if (!run.out().equals(Files.readString(CHECKED_IN))) {
            fail(CHECKED_IN + " is not what `mcpwatch config schema` prints (a setting changed); regenerate it with\n"
                    + "  ./mcpwatch config schema > " + CHECKED_IN);
        }
    }

    @Test
    void thePrintedSchemaAcceptsTheExampleAsAnEditorSeesItAndRefusesATypo() throws IOException {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema().out(), InputFormat.JSON);
        String example = Files.readString(Examples.CONFIG);

        assertThat(example).as("editors find the schema from the first line")
                .startsWith("# yaml-language-server: $schema=../schema/mcpwatch.schema.json\n");
        assertThat(schema.validate(example, InputFormat.YAML)).as("the example, ${VARS} and all").isEmpty();
        assertThat(schema.validate(Examples.everyOptionEnabled(), InputFormat.YAML)).as("with every documented option").isEmpty();

        String typo = example.replace("  interval: 60s ", "  intervall: 60s ");
        assertThat(typo).isNotEqualTo(example);
        assertThat(schema.validate(typo, InputFormat.YAML)).singleElement().satisfies(e -> {
            assertThat(e.getKeyword()).isEqualTo("additionalProperties");
            assertThat(e.getInstanceLocation()).hasToString("/defaults");
            assertThat(e.getProperty()).isEqualTo("intervall");
        });
        String wrongType = example.replace("  interval: 60s ", "  interval: [60s] ");
        assertThat(schema.validate(wrongType, InputFormat.YAML)).extracting(e -> e.getInstanceLocation().toString())
                .containsOnly("/defaults/interval");
    }

    private static Run schemaOutput;

    /** {@code mcpwatch config schema}, run once. */
    private static synchronized Run schema() {
        if (schemaOutput == null) {
            schemaOutput = mcpwatch(Map.of(), "config", "schema");
        }
        return schemaOutput;
    }

    /** Runs {@code mcpwatch ARGS} in a child JVM on this test's class path, in the project folder. */
    private static Run mcpwatch(Map<String, String> env, String... args) {
        return mcpwatch(Path.of("").toAbsolutePath(), env, args);
    }

    private static Run mcpwatch(Path workingDirectory, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", CLASSPATH,
                Main.class.getName()));
        command.addAll(List.of(args));
        Process process = null;
        try {
            Path out = Files.createTempFile("mcpwatch-cli-", ".out");
            Path err = Files.createTempFile("mcpwatch-cli-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().remove(TOKEN_VAR);
                pb.environment().putAll(env);
                process = pb.start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    fail("`mcpwatch " + String.join(" ", args) + "` did not exit within 60 s");
                }
                return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + JAVA + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }
}
