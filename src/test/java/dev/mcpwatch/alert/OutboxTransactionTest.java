package dev.mcpwatch.alert;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.monitor.MonitorEvent;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.Switch;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The outbox row is part of the change it reports: a change rolled back leaves no alert behind. */
@Timeout(60)
class OutboxTransactionTest {

    @Test
    void anEventWhoseTransactionRollsBackIsNeverAlertedAndOneThatCommitsIs() throws Exception {
        try (Switch server = new Switch(); Receiver hook = Receiver.start();
                ServeFixture serve = ServeFixture.start(ServeFixture.tempDir("outbox-tx"), """
                        monitors:
                          - id: weather
                            url: %s
                        alerting:
                          channels:
                            ops: {type: webhook, url: "%s"}
                          routes:
                            - {name: warnings, channels: [ops]}
                        """.formatted(server.url(), hook.url("/hook")) + Serving.FAST_DELIVERY, Duration.ofSeconds(2), Duration.ofMillis(500))) {
            var app = serve.app();

            assertThatThrownBy(() -> app.database().transaction(c -> {
                app.events().publish(c, warning("rolled back"));
                throw new SQLException("the change failed after the event was published");
            })).isInstanceOf(SQLException.class);
            app.database().transaction(c -> {
                app.events().publish(c, warning("committed"));
                return null;
            });

            assertThat(serve.get("/api/alerting/deliveries").path("items").size()).as("one row: the rolled-back one never existed")
                    .isEqualTo(1);
            await("the committed warning delivered", Duration.ofSeconds(15), () -> !hook.requests().isEmpty());
            assertThat(hook.requests()).extracting(r -> r.json().path("message").asString()).containsExactly("committed");
        }
    }

    private static MonitorEvent.Warning warning(String message) {
        return new MonitorEvent.Warning("weather", "certificate.expiring", Severity.P3, message, Json.object(), System.currentTimeMillis());
    }
}
