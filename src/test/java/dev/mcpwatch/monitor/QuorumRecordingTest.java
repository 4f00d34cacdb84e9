package dev.mcpwatch.monitor;

import static dev.mcpwatch.testkit.Databases.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.incident.Incident;
import dev.mcpwatch.incident.IncidentStatus;
import dev.mcpwatch.incident.Severity;
import dev.mcpwatch.incident.TimelineEvent;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.IncidentStore;
import dev.mcpwatch.testkit.Databases.Kind;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.SdkServer;
import dev.mcpwatch.testkit.TestClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two nodes in two locations on one database (SQLite and a real PostgreSQL), each with its own
 * recorder, probing one real MCP server: a location whose path to the server is cut probes an
 * address where nothing listens. One location failing alone is a P2 regional degradation naming it,
 * never a P1; both failing confirm the outage (P1, both named); recovery follows the quorum; a
 * location that stops reporting never counts as down. Time is a test clock moved by the interval.
 */
class QuorumRecordingTest {
    private static final Duration HALF = Duration.ofSeconds(30);

    /** One node of a location: its recorder and its probe runner, sharing the database with the others. */
    private record Node(String location, ProbeAndRecord runner, MonitorEvents events, ResultRecorder recorder) {
        static Node in(String location, Database db, TestClock clock) {
            MonitorEvents events = new MonitorEvents();
            ResultRecorder recorder = new ResultRecorder(db, location, 100, new Incidents(db, events, clock), clock);
            return new Node(location, new ProbeAndRecord(new Prober(), recorder, 2, clock), events, recorder);
        }
    }

    /** Each location's path to the server: open (the server's URL) or cut (a port where nothing listens). */
    private static final class Paths {
        final String open;
        final String cut;

        Paths(SdkServer server) throws IOException {
            this.open = server.url();
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                this.cut = "http://127.0.0.1:" + s.getLocalPort() + "/mcp";
            }
        }
    }

    private static MonitorConfig monitor(String url, String quorum) {
        return Results.monitors("monitors:\n  - id: weather\n    url: " + url + "\n    interval: 60s\n" + quorum).getFirst();
    }

    /** One interval: each node probes once, 30 s apart (staggered), the clock moving between. */
    private static void round(TestClock clock, List<Node> nodes, List<MonitorConfig> asSeen) {
        for (int i = 0; i < nodes.size(); i++) {
            clock.advance(HALF);
            nodes.get(i).runner().runOnce(asSeen.get(i));
        }
    }

    private static List<Incident> incidents(Database db) throws SQLException {
        return db.read(c -> new IncidentStore().page(c, "weather", null, null, 10));
    }

    private static List<String> failingLocations(Database db, Incident i) throws SQLException {
        return db.read(c -> new IncidentStore().failingLocations(c, i));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void oneLocationAloneIsRegionalThenBothConfirmTheOutageThenTheQuorumResolvesIt(Kind kind) throws Exception {
        try (Database db = kind.open(); SdkServer server = SdkServer.streamable(SdkServer.echo())) {
            TestClock clock = new TestClock(Instant.now());
            Paths paths = new Paths(server);
            List<Node> nodes = List.of(Node.in("us-east", db, clock), Node.in("eu-west", db, clock));
            MonitorConfig open = monitor(paths.open, "");
            MonitorConfig cut = monitor(paths.cut, "");

            round(clock, nodes, List.of(open, open));
            assertThat(count(db, "SELECT COUNT(*) FROM location_state WHERE monitor_id = 'weather' AND status = 'up'")).isEqualTo(2);

            for (int i = 0; i < 3; i++) {
                round(clock, nodes, List.of(open, cut));
            }
            assertThat(count(db, "SELECT COUNT(*) FROM location_state WHERE location = 'eu-west' AND status = 'down'"))
                    .as("eu-west confirmed it down by the failure threshold").isEqualTo(1);
            Incident regional = incidents(db).getFirst();
            assertThat(incidents(db)).hasSize(1);
            assertThat(regional.severityNow()).as("one location alone is never a P1 page").isEqualTo(Severity.P2);
            assertThat(regional.headline().message()).startsWith("down from eu-west (1 of 2 locations): ");
            assertThat(failingLocations(db, regional)).containsExactly("eu-west");
            assertThat(count(db, "SELECT COUNT(*) FROM monitor_state WHERE monitor_id = 'weather' AND status IN ('down', 'auth-walled')"))
                    .isZero();

            for (int i = 0; i < 3; i++) {
                round(clock, nodes, List.of(cut, cut));
                if (i < 2) {
                    assertThat(incidents(db).getFirst().severityNow()).as("us-east not yet confirmed").isEqualTo(Severity.P2);
                }
            }
            Incident outage = incidents(db).getFirst();
            assertThat(incidents(db)).as("the regional incident became the outage's").hasSize(1);
            assertThat(outage.id()).isEqualTo(regional.id());
            assertThat(outage.severityNow()).isEqualTo(Severity.P1);
            assertThat(failingLocations(db, outage)).containsExactly("eu-west", "us-east");
            assertThat(count(db, "SELECT COUNT(*) FROM monitor_state WHERE monitor_id = 'weather' AND status = 'down'")).isEqualTo(1);
            List<String> kinds = db.read(c -> new IncidentStore().events(c, outage.id())).stream().map(TimelineEvent::kind).toList();
            assertThat(kinds).containsSubsequence("opened", "outage", "severity");

            // eu-west's path comes back: 2 successes confirm its recovery, and 1 of 2 down is no longer an outage.
            round(clock, nodes, List.of(cut, open));
            assertThat(incidents(db).getFirst().severityNow()).isEqualTo(Severity.P1);
            round(clock, nodes, List.of(cut, open));
            Incident back = incidents(db).getFirst();
            assertThat(back.open()).isTrue();
            assertThat(back.severityNow()).as("the outage is over; us-east alone is regional").isEqualTo(Severity.P2);

            round(clock, nodes, List.of(open, open));
            assertThat(incidents(db).getFirst().open()).as("one success of us-east's two").isTrue();
            round(clock, nodes, List.of(open, open));
            Incident resolved = incidents(db).getFirst();
            assertThat(resolved.status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(incidents(db)).hasSize(1);
            assertThat(failingLocations(db, resolved)).as("the resolved alert names every location that failed")
                    .containsExactly("eu-west", "us-east");
            assertThat(count(db, "SELECT COUNT(*) FROM location_state WHERE monitor_id = 'weather' AND status = 'up'")).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aLocationThatStopsReportingNeverCountsAsDownAndTheQuorumAdapts(Kind kind) throws Exception {
        try (Database db = kind.open(); SdkServer server = SdkServer.streamable(SdkServer.echo())) {
            TestClock clock = new TestClock(Instant.now());
            Paths paths = new Paths(server);
            Node east = Node.in("us-east", db, clock);
            Node west = Node.in("eu-west", db, clock);
            List<Node> nodes = List.of(east, west);
            MonitorConfig open = monitor(paths.open, "");
            MonitorConfig cut = monitor(paths.cut, "");

            for (int i = 0; i < 3; i++) {
                round(clock, nodes, List.of(cut, open));
            }
            Incident regional = incidents(db).getFirst();
            assertThat(regional.severityNow()).isEqualTo(Severity.P2);
            assertThat(failingLocations(db, regional)).containsExactly("us-east");

            // Every node of us-east dies while it sees the server down; eu-west goes on probing a healthy server.
            List<Severity> seen = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                clock.advance(Duration.ofSeconds(60));
                west.runner().runOnce(open);
                seen.add(incidents(db).getFirst().severityNow());
            }
            assertThat(seen).as("never paged because a location vanished").doesNotContain(Severity.P1);
            assertThat(incidents(db).getFirst().status()).as("us-east's last word no longer counts once it is 3 intervals old")
                    .isEqualTo(IncidentStatus.RESOLVED);
            assertThat(incidents(db)).hasSize(1);

            // The quorum adapts to the live locations: eu-west, alone now, confirms an outage by itself.
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofSeconds(60));
                west.runner().runOnce(cut);
            }
            Incident outage = incidents(db).getFirst();
            assertThat(outage.id()).isNotEqualTo(regional.id());
            assertThat(outage.severityNow()).isEqualTo(Severity.P1);
            assertThat(failingLocations(db, outage)).containsExactly("eu-west");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aLocationWhoseNodesStopHeartbeatingStopsCountingAtTheNextProbeNotThreeIntervalsLater(Kind kind) throws Exception {
        try (Database db = kind.open(); SdkServer server = SdkServer.streamable(SdkServer.echo())) {
            TestClock clock = new TestClock(Instant.now());
            Paths paths = new Paths(server);
            Node east = Node.in("us-east", db, clock);
            Node west = Node.in("eu-west", db, clock);
            Locations seenFromWest = new Locations("eu-west");
            west.recorder().countLocationsLiveBy(seenFromWest::liveForQuorum);
            MonitorConfig open = monitor(paths.open, "");
            MonitorConfig cut = monitor(paths.cut, "");
            for (int i = 0; i < 3; i++) {
                beat(db, clock, "east-1", "us-east");
                db.transaction(c -> seenFromWest.refresh(c, clock.millis()));
                round(clock, List.of(east, west), List.of(cut, open));
            }
            Incident regional = incidents(db).getFirst();
            assertThat(regional.open()).isTrue();
            assertThat(failingLocations(db, regional)).containsExactly("us-east");

            // us-east's only node dies: its heartbeat is stale after Locations.LIVE_WITHIN, well inside 3 intervals.
            clock.advance(Locations.LIVE_WITHIN.plusSeconds(1));
            db.transaction(c -> seenFromWest.refresh(c, clock.millis()));
            assertThat(seenFromWest.liveForQuorum()).containsExactly("eu-west");
            west.runner().runOnce(open);

            assertThat(incidents(db).getFirst().status()).as("us-east's state no longer counts once its nodes are gone")
                    .isEqualTo(IncidentStatus.RESOLVED);
        }
    }

    private static void beat(Database db, TestClock clock, String node, String location) throws SQLException {
        db.transaction(c -> {
            new dev.mcpwatch.store.NodeStore().heartbeat(c, node, location, dev.mcpwatch.probe.Prober.VERSION, 0, clock.millis());
            return null;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void withOneLocationTheFailureThresholdPagesAsBefore(Kind kind) throws Exception {
        try (Database db = kind.open(); SdkServer server = SdkServer.streamable(SdkServer.echo())) {
            TestClock clock = new TestClock(Instant.now());
            Paths paths = new Paths(server);
            Node only = Node.in("default", db, clock);
            only.runner().runOnce(monitor(paths.open, ""));
            for (int i = 0; i < 2; i++) {
                clock.advance(Duration.ofSeconds(60));
                only.runner().runOnce(monitor(paths.cut, ""));
                assertThat(incidents(db)).isEmpty();
            }
            clock.advance(Duration.ofSeconds(60));
            only.runner().runOnce(monitor(paths.cut, ""));

            Incident outage = incidents(db).getFirst();
            assertThat(outage.severityNow()).isEqualTo(Severity.P1);
            assertThat(outage.failingProbes()).isEqualTo(3);
            assertThat(failingLocations(db, outage)).containsExactly("default");
            assertThat(count(db, "SELECT COUNT(*) FROM incidents WHERE failing_locations IS NULL")).as("named by its failing probes, as before")
                    .isEqualTo(1);
        }
    }
}
