package dev.mcpwatch.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.MonitorConfig;
import dev.mcpwatch.config.ServerSettings;
import dev.mcpwatch.config.StorageSettings;
import dev.mcpwatch.probe.Prober;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.NodeStore;
import dev.mcpwatch.store.ScheduledTaskStore;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scheduling decisions of two locations on one database, on a clock the test sets: which
 * location holds an execution of which monitor, at which offset, what a change of a monitor's
 * locations does, and how a failure in one location moves the others' next probe to now.
 */
class LocationScheduleTest {
    private final TestClock clock = TestClock.at("2026-12-02T10:00:00Z");

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void eachLocationHoldsItsOwnExecutionHalfAnIntervalApartAndOnlyOfTheMonitorsThatListIt(Databases.Kind kind) throws Exception {
        try (Database db = kind.open()) {
            MonitorConfig everywhere = StaggerTest.monitor("everywhere", "60s", List.of());
            MonitorConfig onlyA = StaggerTest.monitor("only-a", "60s", List.of("a"));
            DatabaseSchedule a = schedule(db, "a");
            DatabaseSchedule b = schedule(db, "b");

            a.add(List.of(everywhere, onlyA));
            b.add(List.of(everywhere, onlyA));

            assertThat(tasks(db, "probe@a")).containsExactlyInAnyOrder("everywhere", "only-a");
            assertThat(tasks(db, "probe@b")).containsExactly("everywhere");
            Instant atA = a.planned("everywhere").orElseThrow();
            Instant atB = b.planned("everywhere").orElseThrow();
            assertThat(Math.floorMod(atB.toEpochMilli() - atA.toEpochMilli(), 60_000L)).isEqualTo(30_000);
            assertThat(List.of(atA, atB)).allSatisfy(t -> assertThat(t).isBetween(clock.instant(), clock.instant().plusSeconds(60)));

            b.change(List.of(StaggerTest.monitor("everywhere", "60s", List.of("a")), StaggerTest.monitor("only-a", "60s", List.of("a", "b"))));
            assertThat(tasks(db, "probe@b")).as("b drops the monitor that no longer lists it and takes the one that now does")
                    .containsExactly("only-a");
            assertThat(tasks(db, "probe@a")).containsExactlyInAnyOrder("everywhere", "only-a");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aFailureInOneLocationMovesTheOthersNextProbeOfThatMonitorToNowAndNothingElse(Databases.Kind kind) throws Exception {
        try (Database db = kind.open()) {
            List<MonitorConfig> monitors = List.of(StaggerTest.monitor("api", "60s", List.of()), StaggerTest.monitor("other", "60s", List.of()));
            Set<String> live = Set.of("a", "b", "c");
            DatabaseSchedule a = schedule(db, "a", live);
            DatabaseSchedule b = schedule(db, "b", live);
            DatabaseSchedule c = schedule(db, "c", live);
            a.add(monitors);
            b.add(monitors);
            c.add(monitors);
            // The location whose slot comes first probes first and fails; the other two are yet to look.
            Map<String, DatabaseSchedule> byLocation = Map.of("a", a, "b", b, "c", c);
            String failing = live.stream().min(Comparator.comparing(l -> byLocation.get(l).planned("api").orElseThrow())).orElseThrow();
            Instant failedAt = byLocation.get(failing).planned("api").orElseThrow();
            Map<String, Instant> otherBefore = new TreeMap<>();
            live.forEach(l -> otherBefore.put(l, byLocation.get(l).planned("other").orElseThrow()));
            clock.set(failedAt.plusMillis(1));

            int moved = db.transaction(x -> new ScheduledTaskStore().lookNow(x, db.dialect(), "api", Stagger.taskName(failing), clock.instant()));

            assertThat(moved).isEqualTo(2);
            for (String l : live) {
                assertThat(byLocation.get(l).planned("api")).as("api at " + l).contains(l.equals(failing) ? failedAt : clock.instant());
                assertThat(byLocation.get(l).planned("other")).as("other monitors are not touched").contains(otherBefore.get(l));
            }
            int again = db.transaction(x -> new ScheduledTaskStore().lookNow(x, db.dialect(), "api", Stagger.taskName(failing), clock.instant()));
            assertThat(again).as("nothing later than now is left to move").isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aLocationIsLiveWhileOneOfItsNodesBeatWithinTheLimit(Databases.Kind kind) throws Exception {
        try (Database db = kind.open()) {
            long now = clock.millis();
            long stale = now - Locations.LIVE_WITHIN.toMillis() - 1;
            db.transaction(c -> {
                NodeStore nodes = new NodeStore();
                nodes.heartbeat(c, "a1", "a", Prober.VERSION, 0, now - 1_000);
                nodes.heartbeat(c, "a2", "a", Prober.VERSION, 0, stale);
                nodes.heartbeat(c, "b1", "b", Prober.VERSION, 0, stale);
                return null;
            });
            Locations seenFromC = new Locations("c");

            db.transaction(c -> seenFromC.refresh(c, now));

            assertThat(seenFromC.live()).isEqualTo(Set.of("a", "c"));
            assertThat(seenFromC.all()).extracting(NodeStore.LocationRow::name, NodeStore.LocationRow::liveNodes, NodeStore.LocationRow::nodes)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 1, 2), org.assertj.core.groups.Tuple.tuple("b", 0, 1));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mcpwatch.testkit.Databases#kinds")
    void aLocationThatLosesItsLastNodeIsAnnouncedOnceAcrossTheWatchingNodesAndSoIsItsReturn(Databases.Kind kind) throws Exception {
        try (Database db = kind.open()) {
            List<MonitorEvent> published = new java.util.concurrent.CopyOnWriteArrayList<>();
            MonitorEvents events = new MonitorEvents();
            events.listen((c, e) -> published.add(e));
            Locations seenByA1 = new Locations("a");
            Locations seenByA2 = new Locations("a");
            beat(db, "b1", "b", clock.millis());
            watch(db, events, seenByA1, seenByA2);
            assertThat(published).as("b was live when first seen: nothing to say").isEmpty();

            clock.advance(Locations.LIVE_WITHIN.plusSeconds(1));
            watch(db, events, seenByA1, seenByA2);
            watch(db, events, seenByA1, seenByA2);

            assertThat(published).singleElement().isEqualTo(new MonitorEvent.LocationChanged("b", false,
                    clock.millis() - Locations.LIVE_WITHIN.toMillis() - 1_000, clock.millis()));
            assertThat(published.getFirst().type()).isEqualTo("location.down");
            assertThat(published.getFirst().monitorId()).as("about no monitor").isNull();

            beat(db, "b2", "b", clock.millis());
            watch(db, events, seenByA1, seenByA2);
            assertThat(published).extracting(MonitorEvent::type).containsExactly("location.down", "location.recovered");
        }
    }

    private void watch(Database db, MonitorEvents events, Locations... watchers) throws Exception {
        for (Locations l : watchers) {
            db.transaction(c -> {
                new NodeStore().heartbeat(c, "node-of-" + l.hashCode(), l.own(), Prober.VERSION, 0, clock.millis());
                l.refresh(c, clock.millis());
                l.announce(c, events, clock.millis());
                return null;
            });
        }
    }

    private static void beat(Database db, String node, String location, long at) throws Exception {
        db.transaction(c -> {
            new NodeStore().heartbeat(c, node, location, Prober.VERSION, 0, at);
            return null;
        });
    }

    private DatabaseSchedule schedule(Database db, String location) {
        return schedule(db, location, Set.of("a", "b"));
    }

    private DatabaseSchedule schedule(Database db, String location, Set<String> live) {
        ResultRecorder recorder = Results.recorder(db, location, 100);
        StorageSettings storage = StorageSettings.DEFAULT;
        return new DatabaseSchedule(db, new MonitorRegistry(), new ProbeAndRecord(new Prober(), recorder, 4, clock),
                new Retention(db, storage, clock), new Compaction(db, clock), "node-" + location, new Stagger(location, () -> live), 4,
                ServerSettings.DEFAULT_POLL_INTERVAL, new Lateness(), clock);
    }

    private static List<String> tasks(Database db, String task) throws Exception {
        return List.copyOf(db.read(c -> new ScheduledTaskStore().instances(c, task)));
    }
}
