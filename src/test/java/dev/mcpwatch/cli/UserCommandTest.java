package dev.mcpwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.auth.AuthService;
import dev.mcpwatch.config.WebSettings;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.testkit.Databases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mcpwatch user set-password} and {@code mcpwatch token …} as an operator runs them on the
 * server's machine, in a child JVM against the database serve uses.
 */
class UserCommandTest {
    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();

    record Run(int exitCode, String out, String err) {}

    @TempDir
    Path dir;

    @Test
    void setPasswordFromStdinLetsTheUserLogIn() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("mcpwatch.db");

        Run tooShort = mcpwatch("short\n", "user", "set-password", "--db", url, "--password-stdin");
        Run set = mcpwatch("a long enough password\n", "user", "set-password", "--db", url, "--password-stdin");

        assertThat(tooShort.exitCode()).isEqualTo(1);
        assertThat(tooShort.err()).contains("the password must have at least 10 characters; nothing changed");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.out()).contains("Password set for 'admin'");
        try (Database db = Databases.reopenUrl(url)) {
            AuthService auth = new AuthService(db, () -> WebSettings.DEFAULT, InstantSource.system());
            assertThat(auth.checkPassword("admin", "a long enough password")).isNull();
            assertThat(auth.checkPassword("admin", "another password")).isNotNull();
        }
    }

    @Test
    void withoutATerminalAndWithoutPasswordStdinItSaysSoAndNamesTheOption() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("mcpwatch.db");

        // Standard input is a file here, not a terminal: nobody can be asked for a password.
        Run run = mcpwatch("a long enough password\n", "user", "set-password", "--db", url);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no terminal is attached", "--password-stdin").doesNotContain("at least 10 characters");
        try (Database db = Databases.reopenUrl(url)) {
            assertThat(new AuthService(db, () -> WebSettings.DEFAULT, InstantSource.system()).checkPassword("admin", "a long enough password"))
                    .as("nothing was set").isNotNull();
        }
    }

    @Test
    void oneShotCommandsPrintNothingButTheirOwnOutput() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("mcpwatch.db");

        Run listed = mcpwatch("", "token", "list", "--db", url); // migrates a new database: Flyway and Hikari would talk
        Run verbose = mcpwatch("", "token", "list", "--db", url, "--verbose");

        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        assertThat(listed.err()).as("no library or INFO lines on stderr").isEmpty();
        assertThat(verbose.err()).as("--verbose lets the libraries talk").contains("com.zaxxer.hikari");
    }

    @Test
    void tokensAreCreatedListedWithoutTheirValueAndRevoked() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("mcpwatch.db");

        Run created = mcpwatch("", "token", "create", "--db", url, "deploy pipeline");
        String token = created.out().strip();
        Run listed = mcpwatch("", "token", "list", "--db", url);
        Run revoked = mcpwatch("", "token", "revoke", "--db", url, "1");
        Run again = mcpwatch("", "token", "revoke", "--db", url, "1");

        assertThat(token).startsWith("mcpw_").hasSize(48);
        assertThat(listed.out()).contains("1\tdeploy pipeline\t" + token.substring(0, 9) + "…").doesNotContain(token).contains("live");
        assertThat(revoked.out()).contains("Token 1 revoked.");
        assertThat(again.exitCode()).isEqualTo(1);
        try (Database db = Databases.reopenUrl(url)) {
            assertThat(new AuthService(db, () -> WebSettings.DEFAULT, InstantSource.system()).token(token)).isNull();
        }
    }

    @Test
    void aReadOnlyTokenIsListedAsSuchAndItsPrincipalMayOnlyRead() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("mcpwatch.db");

        String readOnly = mcpwatch("", "token", "create", "--db", url, "--read-only", "agent").out().strip();
        String writing = mcpwatch("", "token", "create", "--db", url, "deploy").out().strip();
        Run listed = mcpwatch("", "token", "list", "--db", url);

        assertThat(listed.out()).contains("\tagent\t" + readOnly.substring(0, 9) + "…").contains("live, read-only");
        try (Database db = Databases.reopenUrl(url)) {
            AuthService auth = new AuthService(db, () -> WebSettings.DEFAULT, InstantSource.system());
            assertThat(auth.token(readOnly).readOnly()).isTrue();
            assertThat(auth.token(writing).readOnly()).isFalse();
        }
    }

    private Run mcpwatch(String stdin, String... args) throws IOException, InterruptedException {
        // Native access enabled as the jar's manifest enables it, so SQLite's loader does not warn.
        List<String> command = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path in = Files.writeString(dir.resolve("stdin.txt"), stdin);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("mcpwatch %s exits within 60 s", String.join(" ", args)).isTrue();
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            p.destroyForcibly();
        }
    }
}
