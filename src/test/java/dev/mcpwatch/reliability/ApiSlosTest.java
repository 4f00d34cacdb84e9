package dev.mcpwatch.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.configfile.ConfigLoader;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SLOs added through the API as two nodes sharing one database see them, on SQLite and
 * PostgreSQL (the migration's table on both): what one node adds, changes or deletes is in the
 * other's list at its next read, the file's SLOs come first, and an id the file takes over is the
 * file's.
 */
class ApiSlosTest {

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void twoNodesShareTheApisSlosAndTheFileTakesOverItsIds(Databases.Kind kind) throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-30T12:00:00Z"));
        List<Slo> file = new CopyOnWriteArrayList<>(List.of(new SloSettings("file-slo", null, "api", null, null, 0.99, null, null, null, null,
                null).slo()));
        try (Database db = kind.open()) {
            ApiSlos nodeA = new ApiSlos(db, ConfigLoader::readSlo, () -> file, clock);
            ApiSlos nodeB = new ApiSlos(db, ConfigLoader::readSlo, () -> file, clock);

            nodeA.create(body("{\"id\": \"checkout\", \"tag\": \"prod\", \"target\": \"99.5%\", \"window\": \"28d\"}"));
            assertThat(nodeB.inForce()).extracting(Slo::id).containsExactly("file-slo", "checkout");
            Slo seen = nodeB.inForce().get(1);
            assertThat(seen.tag()).isEqualTo("prod");
            assertThat(seen.target()).isEqualTo(0.995);
            assertThat(seen.window()).hasDays(28);
            assertThat(seen.alerts()).isEqualTo(BurnAlert.DEFAULTS);

            assertThatThrownBy(() -> nodeB.create(body("{\"id\": \"checkout\", \"tag\": \"prod\", \"target\": 0.9}")))
                    .isInstanceOf(ApiSlos.Conflict.class).hasMessageContaining("already exists");
            nodeB.replace("checkout", body("{\"tag\": \"prod\", \"target\": 0.9}"));
            assertThat(nodeA.inForce().get(1).target()).isEqualTo(0.9);
            assertThat(nodeA.inForce().get(1).window()).isEqualTo(SloSettings.DEFAULT_WINDOW);

            // The file now defines "checkout" too: its SLO is the one in force, and the API's row is handed over.
            file.add(new SloSettings("checkout", null, "api", null, null, 0.95, null, null, null, null, null).slo());
            assertThat(nodeA.inForce()).extracting(Slo::id, Slo::target).containsExactly(org.assertj.core.groups.Tuple.tuple("file-slo", 0.99),
                    org.assertj.core.groups.Tuple.tuple("checkout", 0.95));
            assertThat(nodeA.apiIds()).isEmpty();
            nodeA.dropShadowed();
            file.removeLast();
            assertThat(nodeB.inForce()).extracting(Slo::id).containsExactly("file-slo");

            nodeA.create(body("{\"id\": \"latency\", \"monitor\": \"api\", \"objective\": \"latency\", \"threshold\": \"800ms\", "
                    + "\"target\": \"99%\"}"));
            assertThat(nodeB.apiIds()).containsExactly("latency");
            nodeB.delete("latency");
            assertThat(nodeA.inForce()).extracting(Slo::id).containsExactly("file-slo");
            assertThatThrownBy(() -> nodeA.delete("latency")).isInstanceOf(NoSuchElementException.class).hasMessage(
                    "no SLO 'latency' added through the API");
            assertThatThrownBy(() -> nodeA.delete("file-slo")).isInstanceOf(ApiSlos.Conflict.class).hasMessageContaining(
                    "defined in the configuration file");
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM api_slos")).isZero();
        }
    }

    private static ObjectNode body(String json) {
        return (ObjectNode) Json.MAPPER.readTree(json);
    }
}
