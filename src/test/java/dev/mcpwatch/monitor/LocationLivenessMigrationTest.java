package dev.mcpwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.Dialect;
import dev.mcpwatch.testkit.Databases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V17 on a database written before it: the nodes that were already there (one still beating, one
 * long gone) are taken as they are, so the upgrade announces nothing, and a location that goes away
 * afterwards is announced.
 */
class LocationLivenessMigrationTest {

    private static FluentConfiguration flyway(String url, String user, Dialect dialect) {
        return Database.migrations(dialect).dataSource(url, user, null);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void nodesFromBeforeTheUpgradeAreTakenAsTheyAreAndOnlyALaterChangeIsAnnounced(Dialect dialect) throws Exception {
        Databases.Empty empty = Databases.empty(dialect);
        String url = empty.url();
        String user = empty.user();
        // The schema just before V17, whichever migrations precede it.
        MigrationVersion previous = Arrays.stream(flyway(url, user, dialect).load().info().all()).map(MigrationInfo::getVersion)
                .filter(v -> v.compareTo(MigrationVersion.fromVersion("17")) < 0).max(MigrationVersion::compareTo).orElseThrow();
        flyway(url, user, dialect).target(previous).load().migrate();
        long now = System.currentTimeMillis();
        try (Connection c = DriverManager.getConnection(url, user, null);
                PreparedStatement ps = c.prepareStatement("INSERT INTO nodes (name, location, version, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)")) {
            for (Object[] row : List.of(new Object[] {"a1", "a", now - 1_000}, new Object[] {"b1", "b", now - 86_400_000L},
                    new Object[] {"old", "default", now - 30L * 86_400_000})) {
                ps.setString(1, (String) row[0]);
                ps.setString(2, (String) row[1]);
                ps.setString(3, "0.1.0");
                ps.setLong(4, 0);
                ps.setLong(5, (Long) row[2]);
                ps.executeUpdate();
            }
        }

        try (Database db = Database.open(new StorageSettings(url, user, null, StorageSettings.DEFAULT.rawRetention(),
                StorageSettings.DEFAULT.rollupRetention(), 1_000))) {
            List<MonitorEvent> published = new ArrayList<>();
            MonitorEvents events = new MonitorEvents();
            events.listen((c, e) -> published.add(e));
            Locations seenFromA = new Locations("a");
            db.transaction(c -> {
                seenFromA.refresh(c, now);
                seenFromA.announce(c, events, now);
                return null;
            });
            assertThat(published).as("what was gone before the upgrade is not news").isEmpty();
            assertThat(seenFromA.live()).containsExactly("a");

            long later = now + Locations.LIVE_WITHIN.toMillis() + 1_000; // a1's last beat is now stale too, but a is this node's own
            db.transaction(c -> {
                c.createStatement().executeUpdate("UPDATE nodes SET heartbeat_at = " + later + " WHERE name = 'b1'");
                seenFromA.refresh(c, later);
                seenFromA.announce(c, events, later);
                return null;
            });
            assertThat(published).extracting(MonitorEvent::type).containsExactly("location.recovered");
            assertThat(((MonitorEvent.LocationChanged) published.getFirst()).location()).isEqualTo("b");
        }
    }
}
