package dev.mcpwatch.monitor;

import static dev.mcpwatch.testkit.Databases.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.ResultStore;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/**
 * The serving side's last line of defence: whatever escapes the prober — an Error such as the
 * StackOverflowError a 401 challenge once caused — is still one recorded, classified failure, so the
 * monitor moves towards an incident instead of staying "unknown" with nothing recorded.
 */
class ProbeAndRecordTest {

    @Test
    void anErrorEscapingTheProberIsRecordedAsAFailedProbeAndTheMonitorTurnsSuspect() throws SQLException {
        try (Database db = Databases.sqlite()) {
            ResultRecorder recorder = Results.recorder(db, "default", 100);
            ProbeAndRecord runner = new ProbeAndRecord(spec -> {
                throw new StackOverflowError();
            }, recorder, 4, InstantSource.system());
            MonitorConfig m = Results.monitor("crashy");

            Duration next = runner.runOnce(m);

            assertThat(next).as("a failure is re-probed at the retry interval").isEqualTo(m.retryInterval());
            assertThat(count(db, "SELECT COUNT(*) FROM probe_results r JOIN monitor_keys k ON k.monitor_key = r.monitor_key WHERE k.monitor_id = 'crashy' AND r.healthy = ?", false)).isEqualTo(1);
            ResultStore.ResultRow row = db.read(c -> new ResultStore().page(c, "crashy", 0, Long.MAX_VALUE, null, null, 1)).getFirst();
            assertThat(row.reason()).isEqualTo("jsonrpc_invalid");
            assertThat(row.phase()).isEqualTo("total");
            assertThat(row.message()).isEqualTo("mcpwatch could not complete the probe (StackOverflowError)");
            assertThat(row.detail().path("target").asString()).isEqualTo(Results.TARGET);
            assertThat(count(db, "SELECT COUNT(*) FROM monitor_state WHERE monitor_id = 'crashy' AND status = 'suspect'")).isEqualTo(1);
        }
    }
}
