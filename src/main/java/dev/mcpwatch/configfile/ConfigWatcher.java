package dev.mcpwatch.configfile;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.ConfigStatus;
import dev.mcpwatch.config.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the configuration when its file (or any YAML file of its folder) changes. Polls the files'
 * sizes and modification times every {@link #EVERY}, which also catches editors that replace a file
 * by renaming. A configuration that does not load is reported and the previous one stays in force.
 */
public final class ConfigWatcher implements AutoCloseable {
    public static final Duration EVERY = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);


    private final Path source;
    private final ConfigLoader loader;
    private final Consumer<McpwatchConfig> onChange;
    private final InstantSource clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mcpwatch-config-watch").factory());
    private String stamp;
    private volatile ConfigStatus status;

    /** {@code clock} dates the loads and errors it reports. */
    public ConfigWatcher(Path source, ConfigLoader loader, Consumer<McpwatchConfig> onChange, InstantSource clock) {
        this.source = source;
        this.loader = loader;
        this.onChange = onChange;
        this.clock = clock;
        this.stamp = stamp();
        this.status = new ConfigStatus(source.toString(), clock.millis(), null, null);
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::check, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    public ConfigStatus status() {
        return status;
    }

    /** Checks once; true when a new configuration was loaded and applied. */
    public synchronized boolean check() {
        String now = stamp();
        if (now.equals(stamp)) {
            return false;
        }
        stamp = now;
        try {
            McpwatchConfig config = loader.load(source);
            onChange.accept(config);
            status = new ConfigStatus(source.toString(), clock.millis(), null, null);
            log.info("configuration reloaded from {}: {} monitors", source, config.monitors().size());
            return true;
        } catch (ConfigException e) {
            status = new ConfigStatus(source.toString(), status.loadedAt(), e.getMessage(), clock.millis());
            log.error("configuration in {} not reloaded; the previous one stays in force:\n  {}", source,
                    String.join("\n  ", e.problems().stream().map(Problem::toString).toList()));
            return false;
        } catch (RuntimeException e) {
            status = new ConfigStatus(source.toString(), status.loadedAt(), String.valueOf(e.getMessage()), clock.millis());
            log.error("configuration in {} not applied", source, e);
            return false;
        }
    }

    private String stamp() {
        StringBuilder s = new StringBuilder();
        try (Stream<Path> files = Files.isDirectory(source) ? Files.list(source).sorted() : Stream.of(source)) {
            files.forEach(f -> {
                try {
                    s.append(f).append(':').append(Files.size(f)).append(':').append(Files.getLastModifiedTime(f).toMillis()).append(';');
                } catch (IOException e) {
                    s.append(f).append(":missing;");
                }
            });
        } catch (IOException e) {
            s.append("unreadable");
        }
        return s.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
