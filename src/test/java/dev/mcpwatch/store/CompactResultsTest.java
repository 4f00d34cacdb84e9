package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.bench.FleetServer;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.probe.ProbeResult;
import dev.mcpwatch.probe.ProbeSpec;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Databases.Kind;
import dev.mcpwatch.testkit.Results;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Compact raw results read back as the whole result did: a real probe of a fleet endpoint, copied
 * with jittered start (below the millisecond too) and phase timings, a server upgrade halfway, and
 * failures among them, is written through {@link ResultStore#insert}; every reader — a page, one
 * result, recent failures, server version changes, last healthy probe — answers with the detail the
 * whole result serialised to (times to the microsecond) and the same columns. Healthy probes of one
 * shape share one shape row and keep a few bytes of times each; failed probes keep their full detail.
 */
class CompactResultsTest {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    static List<Kind> kinds() {
        return List.of(Kind.values());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void everyReaderAnswersWithTheWholeResult(Kind kind) throws Exception {
        ProbeResult template;
        try (FleetServer fleet = FleetServer.start(1, 0)) {
            template = new Prober().probe(ProbeSpec.http("http://127.0.0.1:" + fleet.port() + FleetServer.PREFIX + "0").build());
        }
        assertThat(template.healthy()).isTrue();
        Random random = new Random(5);
        List<ProbeResult> probes = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            Instant start = T0.plusSeconds(60L * i).plusNanos(random.nextInt(1_000_000_000));
            probes.add(i % 10 == 7 ? Results.failed(start) : Results.jittered(template, template.target(), start, random, i < 60 ? "1.0.0" : "1.1.0"));
        }
        ResultStore results = new ResultStore();
        try (Database db = kind.open()) {
            List<Long> ids = db.transaction(c -> {
                List<Long> out = new ArrayList<>();
                for (ProbeResult r : probes) {
                    out.add(results.insert(c, "fleet", "default", r, null));
                }
                return out;
            });
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_shapes")).as("healthy before and after the upgrade, failed")
                    .isEqualTo(3);
            assertThat(Databases.count(db, "SELECT COUNT(*) FROM probe_results WHERE healthy = ? AND detail IS NULL", true))
                    .as("healthy probes keep only their times").isEqualTo(108);
            assertThat(Databases.count(db, "SELECT MAX(LENGTH(timings)) FROM probe_results")).as("bytes of times per probe")
                    .isLessThan(64);

            for (int i = 0; i < probes.size(); i++) {
                long id = ids.get(i);
                ResultStore.ResultRow row = db.read(c -> results.get(c, id));
                assertSame(row, probes.get(i), id);
            }
            List<ResultStore.ResultRow> page = db.read(c -> results.page(c, "fleet", 0, Long.MAX_VALUE, null, null, 500));
            assertThat(page).hasSize(probes.size());
            for (ResultStore.ResultRow row : page) {
                assertSame(row, probes.get(ids.indexOf(row.id())), row.id());
            }
            List<ResultStore.ResultRow> failures = db.read(c -> results.recentFailures(c, "fleet", 50));
            assertThat(failures).hasSize(12).allSatisfy(row -> assertSame(row, probes.get(ids.indexOf(row.id())), row.id()));
            List<ResultStore.VersionSeen> versions = db.read(c -> results.serverVersionChanges(c, "fleet", 0, Long.MAX_VALUE));
            assertThat(versions).extracting(ResultStore.VersionSeen::version).containsExactly("1.0.0", "1.1.0");
            assertThat(versions.get(1).at()).isEqualTo(probes.get(60).startedAt().toEpochMilli());
            Long lastHealthy = db.read(c -> results.lastHealthyBefore(c, "fleet", probes.get(18).startedAt().toEpochMilli()));
            assertThat(lastHealthy).isEqualTo(probes.get(16).startedAt().toEpochMilli());
        }
    }

    /** The row answers as the whole result stored as JSON did: columns and detail (times within half a microsecond). */
    private static void assertSame(ResultStore.ResultRow row, ProbeResult r, long id) {
        JsonNode expected = Json.MAPPER.readTree(ResultStore.detail(r));
        assertThat(row.id()).isEqualTo(id);
        assertThat(row.startedAt()).isEqualTo(r.startedAt().toEpochMilli());
        assertThat(row.healthy()).isEqualTo(r.healthy());
        assertThat(row.location()).isEqualTo("default");
        assertThat(row.reason()).isEqualTo(r.healthy() ? null : r.failure().reason().wireName());
        assertThat(row.layer()).isEqualTo(r.healthy() ? null : r.failure().layer().wireName());
        assertThat(row.phase()).isEqualTo(r.healthy() ? null : r.failure().phase().wireName());
        assertThat(row.message()).isEqualTo(r.healthy() ? null : r.failure().message());
        assertThat(row.totalMs()).isCloseTo(r.totalMs(), org.assertj.core.api.Assertions.within(0.0005));
        assertThat(row.serverVersion()).isEqualTo(r.server() == null ? null : r.server().version());
        assertThat(row.toolCount()).isEqualTo(r.tools() == null ? null : r.tools().count());
        assertThat(row.protocolVersion()).isEqualTo(r.protocolVersion());
        if (!r.healthy()) {
            assertThat(row.detail()).as("a failed probe keeps its full detail").isEqualTo(expected);
        } else {
            sameTree(row.detail(), expected, "$");
        }
    }

    private static void sameTree(JsonNode actual, JsonNode expected, String path) {
        if (expected.isNumber()) {
            assertThat(actual.isNumber()).as(path).isTrue();
            assertThat(actual.asDouble()).as(path).isCloseTo(expected.asDouble(), org.assertj.core.api.Assertions.within(0.0005));
            return;
        }
        if (expected.isObject()) {
            assertThat(actual.propertyNames()).as(path).containsExactlyElementsOf(expected.propertyNames());
            for (Map.Entry<String, JsonNode> e : expected.properties()) {
                sameTree(actual.get(e.getKey()), e.getValue(), path + "." + e.getKey());
            }
            return;
        }
        if (expected.isArray()) {
            assertThat(actual.size()).as(path).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                sameTree(actual.get(i), expected.get(i), path + "[" + i + "]");
            }
            return;
        }
        assertThat(actual).as(path).isEqualTo(expected);
    }
}
