package dev.mcpwatch.alert;

import static dev.mcpwatch.testkit.ServeFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.monitor.Incidents;
import dev.mcpwatch.monitor.MonitorEvents;
import dev.mcpwatch.monitor.MonitorRegistry;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.OutboxStore;
import dev.mcpwatch.testkit.Receiver;
import dev.mcpwatch.testkit.ServeFixture;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes working one outbox on a real PostgreSQL: every row delivered exactly once between them
 * (claims use SKIP LOCKED), the work shared, and a row claimed by a node that died taken over after
 * the claim timeout.
 */
@Timeout(120)
class MultiNodeDeliveryTest {

    @Test
    void twoNodesDeliverEveryRowExactlyOnceAndTakeOverADeadNodesClaim() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(port).setDataDirectory(ServeFixture.tempDir("outbox-pg"))
                .setServerConfig("listen_addresses", "127.0.0.1").start();
        try (pg; Receiver hook = Receiver.start()) {
            hook.answer(http -> {
                Thread.sleep(20);
                http.respond(200, "text/plain", "ok");
            });
            StorageSettings storage = new StorageSettings("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", null,
                    Duration.ofDays(7), Duration.ofDays(400), 10_000);
            AlertingConfig config = new ConfigLoader(k -> null).loadText("""
                    alerting:
                      channels:
                        ops: {type: webhook, url: "%s", concurrency: 4}
                      delivery: {poll: 100ms, timeout: 5s, claim_timeout: 30s}
                    """.formatted(hook.url("/hook")), "test.yaml").alerting();
            try (Database a = Database.open(storage); Database b = Database.open(storage)) {
                OutboxStore outbox = new OutboxStore(a.dialect());
                String payload = Json.MAPPER.writeValueAsString(new Payloads(() -> "http://mcpwatch.test", config::ack).test("ops", 0));
                long now = System.currentTimeMillis();
                long dead = a.transaction(c -> {
                    for (int i = 0; i < 60; i++) {
                        outbox.insert(c, new OutboxStore.NewRow(null, null, "test", null, "ops", "key-" + i, payload, false), now);
                    }
                    long id = outbox.insert(c, new OutboxStore.NewRow(null, null, "test", null, "ops", "key-dead", payload, false), now);
                    try (PreparedStatement ps = c.prepareStatement("UPDATE alert_outbox SET claimed_by = 'dead-node', claim_token = 'x', "
                            + "claimed_at = ? WHERE id = ?")) {
                        ps.setLong(1, now - Duration.ofMinutes(10).toMillis());
                        ps.setLong(2, id);
                        ps.executeUpdate();
                    }
                    return id;
                });

                MonitorEvents eventsA = new MonitorEvents();
                MonitorEvents eventsB = new MonitorEvents();
                Alerting nodeA = Alerting.start(config, a, eventsA, new MonitorRegistry(), new Incidents(a, eventsA, InstantSource.system()),
                        "node-a", () -> "http://a", InstantSource.system());
                Alerting nodeB = Alerting.start(config, b, eventsB, new MonitorRegistry(), new Incidents(b, eventsB, InstantSource.system()),
                        "node-b", () -> "http://b", InstantSource.system());
                try {
                    await("every row delivered", Duration.ofSeconds(60), () -> count(a, "SELECT COUNT(*) FROM alert_outbox WHERE status = 'delivered'") == 61);
                } finally {
                    nodeA.close();
                    nodeB.close();
                }

                Map<String, Long> perDelivery = hook.requests().stream()
                        .collect(Collectors.groupingBy(r -> r.header("X-Mcpwatch-Delivery"), Collectors.counting()));
                assertThat(perDelivery).hasSize(61);
                assertThat(perDelivery.values()).as("no row delivered twice").containsOnly(1L);
                assertThat(perDelivery).containsKey(Long.toString(dead));
                assertThat(count(a, "SELECT COUNT(*) FROM alert_attempts")).isEqualTo(61);
                Set<String> nodes = new TreeSet<>(strings(a, "SELECT DISTINCT node FROM alert_attempts"));
                assertThat(nodes).as("the work is shared").containsExactly("node-a", "node-b");
            }
        }
    }

    private static long count(Database db, String sql) {
        try {
            return db.read(c -> {
                try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> strings(Database db, String sql) throws java.sql.SQLException {
        return db.read(c -> {
            Set<String> out = new TreeSet<>();
            try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }
}
