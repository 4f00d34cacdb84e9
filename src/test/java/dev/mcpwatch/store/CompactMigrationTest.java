package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V13 converts a database written before compact results: rows written as the previous version wrote
 * them (every column and the whole detail, one per probe) read back through {@link ResultStore} with
 * the same answers after the upgrade, keep their ids, and results written after it get new ids and
 * are read back beside them.
 */
class CompactMigrationTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anExistingDatabaseIsConvertedAndReadsTheSame(Dialect dialect) throws SQLException {
        Databases.Empty empty = Databases.empty(dialect);
        String url = empty.url();
        String user = empty.user();
        Database.migrations(dialect).dataSource(url, user, null)
                .target("10").load().migrate();
        List<ProbeResult> probes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Instant at = T0.plusSeconds(60L * i);
            probes.add(i % 7 == 3 ? Results.failed(at) : Results.healthy(at, 10 + i * 1.25));
        }
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, null)) {
            for (int i = 0; i < probes.size(); i++) {
                ids.add(writeAsBefore(c, i % 2 == 0 ? "api" : "search", probes.get(i)));
            }
        }

        try (Database db = Database.open(new StorageSettings(url, user, null, StorageSettings.DEFAULT.rawRetention(),
                StorageSettings.DEFAULT.rollupRetention(), 1_000))) {
            ResultStore results = new ResultStore();
            for (int i = 0; i < probes.size(); i++) {
                ProbeResult r = probes.get(i);
                long id = ids.get(i);
                ResultStore.ResultRow row = db.read(c -> results.get(c, id));
                assertThat(row.monitorId()).isEqualTo(i % 2 == 0 ? "api" : "search");
                assertThat(row.startedAt()).isEqualTo(r.startedAt().toEpochMilli());
                assertThat(row.healthy()).isEqualTo(r.healthy());
                assertThat(row.totalMs()).isCloseTo(r.totalMs(), within(0.0005));
                assertThat(row.reason()).isEqualTo(r.healthy() ? null : r.failure().reason().wireName());
                assertThat(row.message()).isEqualTo(r.healthy() ? null : r.failure().message());
                assertThat(row.serverName()).isEqualTo(r.server() == null ? null : r.server().name());
                assertThat(row.toolCount()).isEqualTo(r.tools() == null ? null : r.tools().count());
                assertThat(row.detail()).as("the whole detail, as stored before").isEqualTo(Json.MAPPER.readTree(ResultStore.detail(r)));
            }
            List<ResultStore.ResultRow> before = db.read(c -> results.page(c, "api", 0, Long.MAX_VALUE, null, null, 100));
            assertThat(before).hasSize(15);
            long after = db.transaction(c -> results.insert(c, "api", "default", Results.healthy(T0.plusSeconds(3_600), 20), null));
            assertThat(after).as("new ids continue after the converted rows").isGreaterThan(ids.getLast());
            List<ResultStore.ResultRow> all = db.read(c -> results.page(c, "api", 0, Long.MAX_VALUE, null, null, 100));
            assertThat(all).hasSize(16);
            RollupStore.Summary minutes = db.read(c -> new RollupStore(db.dialect()).summary(c, "api", Resolution.MINUTE, 0, Long.MAX_VALUE));
            assertThat(minutes.probes()).as("minutes from converted and new raw results").isEqualTo(16);
        }
    }

    /** A result as the previous version's write path stored it. */
    private static long writeAsBefore(Connection c, String monitorId, ProbeResult r) throws SQLException {
        var f = r.failure();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO probe_results (monitor_id, started_at, location, healthy, reason, layer, phase, message, total_ms, era,
                    protocol_version, server_name, server_version, tool_count, tool_list_id, tls_not_after, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
            Sql.bindAll(ps, monitorId, r.startedAt().toEpochMilli(), "default", r.healthy(), f == null ? null : f.reason().wireName(),
                    f == null ? null : f.layer().wireName(), f == null ? null : f.phase().wireName(), f == null ? null : f.message(),
                    r.totalMs(), r.era() == null ? null : r.era().wireName(), r.protocolVersion(), r.server() == null ? null : r.server().name(),
                    r.server() == null ? null : r.server().version(), r.tools() == null ? null : r.tools().count(), null, null,
                    ResultStore.detail(r));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
