package dev.mcpwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.config.StorageSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox's claiming rules on SQLite: in order per stream, one claimer at a time, stale claims taken over, history pruned. */
class OutboxStoreTest {

    private static Database open(Path dir) {
        return Database.open(new StorageSettings("jdbc:sqlite:" + dir.resolve("t.db"), null, null, Duration.ofDays(7), Duration.ofDays(400), 100));
    }

    private static OutboxStore.NewRow row(String key, String event) {
        return new OutboxStore.NewRow(1L, "weather", event, "r", "ops", key, "{}", false);
    }

    @Test
    void aStreamIsClaimedInOrderAndALiveClaimIsNotTakenTwice(@TempDir Path dir) throws Exception {
        try (Database db = open(dir)) {
            OutboxStore outbox = new OutboxStore(db.dialect());
            long now = System.currentTimeMillis();
            long opened = db.transaction(c -> outbox.insert(c, row("incident-1", "incident.opened"), now));
            db.transaction(c -> outbox.insert(c, row("incident-1", "incident.resolved"), now));
            long other = db.transaction(c -> outbox.insert(c, row("incident-2", "incident.opened"), now));

            List<OutboxStore.OutboxRow> first = db.transaction(c -> outbox.claim(c, "ops", 10, "node-a", "a1", now, now - 60_000));
            List<OutboxStore.OutboxRow> second = db.transaction(c -> outbox.claim(c, "ops", 10, "node-b", "b1", now, now - 60_000));

            assertThat(first).extracting(OutboxStore.OutboxRow::id).as("the resolution waits for its trigger").containsExactly(opened, other);
            assertThat(second).as("nothing claimed twice, the resolution still waits").isEmpty();

            db.transaction(c -> outbox.finish(c, opened, "a1", OutboxStore.DELIVERED, 1, now, null, now));
            List<OutboxStore.OutboxRow> third = db.transaction(c -> outbox.claim(c, "ops", 10, "node-b", "b1", now, now - 60_000));
            // (the first claim's other row is still in flight with node-a)
            assertThat(third).extracting(OutboxStore.OutboxRow::event).containsExactly("incident.resolved");
        }
    }

    @Test
    void aStaleClaimIsTakenOverAndTheLateFinisherDoesNotOverwriteIt(@TempDir Path dir) throws Exception {
        try (Database db = open(dir)) {
            OutboxStore outbox = new OutboxStore(db.dialect());
            long t0 = System.currentTimeMillis();
            long id = db.transaction(c -> outbox.insert(c, row("k", "incident.opened"), t0));
            db.transaction(c -> outbox.claim(c, "ops", 1, "node-a", "a1", t0, t0 - 60_000));

            long later = t0 + 120_000;
            List<OutboxStore.OutboxRow> taken = db.transaction(c -> outbox.claim(c, "ops", 1, "node-b", "b1", later, later - 60_000));
            boolean lateFinish = db.transaction(c -> outbox.finish(c, id, "a1", OutboxStore.FAILED, 1, later, "late", later));

            assertThat(taken).extracting(OutboxStore.OutboxRow::id).containsExactly(id);
            assertThat(lateFinish).isFalse();
            boolean takerFinish = db.transaction(c -> outbox.finish(c, id, "b1", OutboxStore.DELIVERED, 2, later, null, later));
            assertThat(takerFinish).isTrue();
        }
    }

    @Test
    void aRestartedNodeTakesBackItsOwnClaimsAtOnce(@TempDir Path dir) throws Exception {
        try (Database db = open(dir)) {
            OutboxStore outbox = new OutboxStore(db.dialect());
            long now = System.currentTimeMillis();
            db.transaction(c -> outbox.insert(c, row("k", "incident.opened"), now));
            db.transaction(c -> outbox.claim(c, "ops", 1, "host:8080", "host:8080/run-1", now, now - 60_000));

            int released = db.transaction(c -> outbox.releaseClaims(c, "host:8080", "host:8080/run-2"));

            assertThat(released).isEqualTo(1);
            List<OutboxStore.OutboxRow> again = db.transaction(c -> outbox.claim(c, "ops", 1, "host:8080", "host:8080/run-2", now, now - 60_000));
            assertThat(again).hasSize(1);
        }
    }

    @Test
    void historyOlderThanTheCutoffIsPrunedButNothingUnfinished(@TempDir Path dir) throws Exception {
        try (Database db = open(dir)) {
            OutboxStore outbox = new OutboxStore(db.dialect());
            long old = System.currentTimeMillis() - Duration.ofDays(100).toMillis();
            long now = System.currentTimeMillis();
            long oldDone = db.transaction(c -> outbox.insert(c, row("a", "incident.opened"), old));
            long oldPending = db.transaction(c -> outbox.insert(c, row("b", "incident.opened"), old));
            long recent = db.transaction(c -> outbox.insert(c, row("c", "incident.opened"), now));
            db.transaction(c -> {
                outbox.claim(c, "ops", 10, "n", "t", now, now);
                outbox.attempt(c, oldDone, 1, old, 5, "delivered", 200, null, "n");
                outbox.finish(c, oldDone, "t", OutboxStore.DELIVERED, 1, old, null, old);
                outbox.finish(c, recent, "t", OutboxStore.DELIVERED, 1, now, null, now);
                return null;
            });

            db.transaction(c -> outbox.prune(c, now - Duration.ofDays(90).toMillis(), 100));

            List<Long> left = db.read(c -> outbox.page(c, null, null, 10)).stream().map(OutboxStore.OutboxRow::id).toList();
            assertThat(left).containsExactlyInAnyOrder(oldPending, recent);
            java.util.Map<Long, List<OutboxStore.AttemptRow>> attempts = db.read(c -> outbox.attempts(c, List.of(oldDone)));
            assertThat(attempts).isEmpty();
        }
    }
}
