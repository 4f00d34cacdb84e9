package dev.mcpwatch.cli;

import dev.mcpwatch.config.ConfigException;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.configfile.McpwatchConfig;
import dev.mcpwatch.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which database a maintenance command (user, token) opens: {@code --db URL}, else the storage of
 * {@code --config} (or ./mcpwatch.yaml), else serve's default SQLite file in ./data.
 */
final class Storage {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE|DIR", description = "The configuration whose storage to use.")
    Path config;

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "The database URL, instead of the configuration's storage.url.")
    String url;

    /** The configuration read by {@link #open}, or null when there was none to read. */
    McpwatchConfig loaded;

    Database open() throws ConfigException {
        StorageSettings storage = StorageSettings.DEFAULT;
        Path source = config != null ? config : Files.exists(ServeCommand.DEFAULT_CONFIG) ? ServeCommand.DEFAULT_CONFIG : null;
        if (url != null) {
            storage = new StorageSettings(url, storage.username(), storage.password(), storage.rawRetention(), storage.rollupRetention(),
                    storage.bufferCapacity());
        } else if (source != null) {
            loaded = ConfigLoader.fromSystemEnvironment().load(source);
            storage = loaded.storage();
        }
        return Database.open(storage);
    }
}
