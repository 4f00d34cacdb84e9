package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpwatch.testkit.Databases;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Postmortem versions and the overdue P1s, the same SQL on SQLite and PostgreSQL. */
class PostmortemStoreTest {

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void everySaveIsANewVersionAndOnlyUnwrittenP1sResolvedBeforeTheCutoffAreOverdue(Databases.Kind kind) throws Exception {
        try (Database db = kind.open()) {
            long p1 = incident(db, "a", "P1", 1_000L);
            long p1Recent = incident(db, "b", "P1", 90_000L);
            long p2 = incident(db, "c", "P2", 1_000L);
            long p1Written = incident(db, "d", "P1", 2_000L);
            PostmortemStore store = new PostmortemStore();
            assertThat(db.<Integer>transaction(c -> store.save(c, p1Written, "v1", "dana", 10))).isEqualTo(1);
            assertThat(db.<Integer>transaction(c -> store.save(c, p1Written, "v2", null, 20))).isEqualTo(2);

            assertThat(db.<PostmortemStore.Version>read(c -> store.latest(c, p1Written))).isEqualTo(new PostmortemStore.Version(p1Written, 2, "v2", null, 20));
            assertThat(db.<List<PostmortemStore.Version>>read(c -> store.history(c, p1Written))).extracting(PostmortemStore.Version::version).containsExactly(2, 1);
            assertThat(db.<PostmortemStore.Version>read(c -> store.latest(c, p1))).isNull();
            assertThat(db.<List<Long>>read(c -> store.p1sWithout(c, 50_000L, 10))).containsExactly(p1);
            assertThat(db.<List<Long>>read(c -> store.p1sWithout(c, 100_000L, 10))).containsExactly(p1, p1Recent);
            assertThat(p2).isPositive();
            assertThatThrownBy(() -> db.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO postmortems (incident_id, version, body, saved_at) VALUES (?, 1, 'x', 1)")) {
                    ps.setLong(1, p1Written);
                    return ps.executeUpdate();
                }
            })).as("one row per version").isInstanceOf(SQLException.class);
        }
    }

    private static long incident(Database db, String monitor, String severity, long resolvedAt) throws SQLException {
        return db.transaction(c -> Sql.one(c, """
                INSERT INTO incidents (monitor_id, status, severity, reason, layer, phase, message, onset_at, detected_at, resolved_at,
                    resolution, failing_probes) VALUES (?, 'resolved', ?, 'timeout', 'time', 'initialize', 'slow', 0, 1, ?, 'recovered', 3)
                RETURNING id""", rs -> rs.getLong(1), monitor, severity, resolvedAt));
    }
}
