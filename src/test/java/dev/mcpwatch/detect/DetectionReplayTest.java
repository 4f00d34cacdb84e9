package dev.mcpwatch.detect;

import dev.mcpwatch.testkit.ServeFixture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The replay scenarios on SQLite, the default store: a fresh database file per scenario. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DetectionReplayTest extends ReplayScenarios {

    @Override
    Replay open() {
        return new Replay(Replay.storage("jdbc:sqlite:" + ServeFixture.tempDir("replay").resolve("mcpwatch.db"), null));
    }
}
