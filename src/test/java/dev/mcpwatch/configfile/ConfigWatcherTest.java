package dev.mcpwatch.configfile;

import dev.mcpwatch.config.MonitorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reloading without a restart: a changed file is loaded and handed on; a broken edit is reported
 * (for /health) while the previous configuration stays in force; the fix is picked up.
 */
class ConfigWatcherTest {
    private static final String ONE_MONITOR = """
            monitors:
              - id: alpha
                url: https://alpha.example.com/mcp
            """;
    private static final String TWO_MONITORS = ONE_MONITOR + """
              - id: beta
                url: https://beta.example.com/mcp
            """;

    @TempDir
    Path dir;

    private final List<McpwatchConfig> applied = new CopyOnWriteArrayList<>();
    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    @Test
    void anUnchangedFileIsNotReloaded() throws IOException {
        Path file = edit(dir.resolve("mcpwatch.yaml"), ONE_MONITOR);
        try (ConfigWatcher watcher = new ConfigWatcher(file, loader, applied::add, InstantSource.system())) {
            assertThat(watcher.check()).isFalse();
            assertThat(watcher.check()).isFalse();
            assertThat(applied).isEmpty();
            assertThat(watcher.status().lastError()).isNull();
            assertThat(watcher.status().source()).isEqualTo(file.toString());
        }
    }

    @Test
    void aChangedFileIsReloadedAndHandedOn() throws IOException {
        Path file = edit(dir.resolve("mcpwatch.yaml"), ONE_MONITOR);
        try (ConfigWatcher watcher = new ConfigWatcher(file, loader, applied::add, InstantSource.system())) {
            edit(file, TWO_MONITORS);

            assertThat(watcher.check()).isTrue();

            assertThat(applied).singleElement().satisfies(config ->
                    assertThat(config.monitors()).extracting(MonitorConfig::id).containsExactly("alpha", "beta"));
            assertThat(watcher.status().lastError()).isNull();
            assertThat(watcher.check()).as("nothing changed since").isFalse();
        }
    }

    @Test
    void aBrokenEditKeepsThePreviousConfigurationAndSaysWhyUntilItIsFixed() throws IOException {
        Path file = edit(dir.resolve("mcpwatch.yaml"), ONE_MONITOR);
        try (ConfigWatcher watcher = new ConfigWatcher(file, loader, applied::add, InstantSource.system())) {
            long loadedAt = watcher.status().loadedAt();
            edit(file, TWO_MONITORS.replace("https://beta.example.com/mcp", "beta.example.com"));

            assertThat(watcher.check()).isFalse();

            assertThat(applied).as("nothing applied: the previous configuration stays").isEmpty();
            assertThat(watcher.status().lastError())
                    .isEqualTo(file + ": monitors[1].url: must be an http:// or https:// URL with a host, got 'beta.example.com'");
            assertThat(watcher.status().lastErrorAt()).isNotNull();
            assertThat(watcher.status().loadedAt()).isEqualTo(loadedAt);

            edit(file, TWO_MONITORS);

            assertThat(watcher.check()).isTrue();
            assertThat(applied).singleElement().satisfies(config -> assertThat(config.monitors()).hasSize(2));
            assertThat(watcher.status().lastError()).isNull();
            assertThat(watcher.status().lastErrorAt()).isNull();
        }
    }

    @Test
    void aNewFileInAWatchedFolderIsReloaded() throws IOException {
        edit(dir.resolve("10-alpha.yaml"), ONE_MONITOR);
        try (ConfigWatcher watcher = new ConfigWatcher(dir, loader, applied::add, InstantSource.system())) {
            edit(dir.resolve("20-gamma.yaml"), """
                    monitors:
                      - id: gamma
                        url: https://gamma.example.com/mcp
                    """);

            assertThat(watcher.check()).isTrue();

            assertThat(applied).singleElement().satisfies(config ->
                    assertThat(config.monitors()).extracting(MonitorConfig::id).containsExactly("alpha", "gamma"));
        }
    }

    /**
     * Writes {@code text} and moves the modification time a second on: the watcher compares size and
     * modification time, and an operator's next edit is never in the same millisecond as the last.
     */
    private static Path edit(Path file, String text) throws IOException {
        long before = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : System.currentTimeMillis();
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(Math.max(before + 1_000, System.currentTimeMillis())));
        return file;
    }
}
