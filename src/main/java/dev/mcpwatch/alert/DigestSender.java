package dev.mcpwatch.alert;

import dev.mcpwatch.alert.channel.Alert;
import dev.mcpwatch.postmortem.Postmortems;
import dev.mcpwatch.probe.Json;
import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.DigestStore;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each digest route's collected alerts once its period has ended: one message per channel of
 * the route, listing every alert collected before the period's end and every P1 whose postmortem is
 * overdue. The digest row's unique key (route, period end) makes that happen once cluster-wide; an
 * empty period sends nothing.
 */
final class DigestSender {
    private static final Logger log = LoggerFactory.getLogger(DigestSender.class);

    private final Database db;
    private final Supplier<AlertingConfig> config;
    private final Payloads payloads;
    private final OutboxWriter writer;
    private final DigestStore digests = new DigestStore();
    private final Postmortems postmortems;
    private final InstantSource clock;

    DigestSender(Database db, Supplier<AlertingConfig> config, Payloads payloads, OutboxWriter writer, InstantSource clock) {
        this.db = db;
        this.config = config;
        this.payloads = payloads;
        this.writer = writer;
        this.postmortems = new Postmortems(db, clock);
        this.clock = clock;
    }

    int round() throws SQLException {
        AlertingConfig cfg = config.get();
        Instant now = clock.instant();
        int written = 0;
        List<Postmortems.Overdue> overdue = null; // read once a digest is due
        for (Route route : cfg.routes()) {
            if (route.digest() == null) {
                continue;
            }
            Instant end = route.digest().lastBoundary(now);
            if (db.<Boolean>read(c -> digests.sent(c, route.name(), end.toEpochMilli()))) {
                continue;
            }
            if (overdue == null) {
                overdue = postmortems.overdue(50);
            }
            List<Postmortems.Overdue> unwritten = overdue;
            if (unwritten.isEmpty() && db.read(c -> digests.waiting(c, route.name(), end.toEpochMilli())) == 0) {
                continue;
            }
            written += db.transaction(c -> {
                Long id = digests.open(c, route.name(), end.toEpochMilli(), now.toEpochMilli());
                if (id == null) {
                    return 0;
                }
                List<Alert> items = new ArrayList<>();
                for (String payload : digests.take(c, id, route.name(), end.toEpochMilli())) {
                    items.add(Json.MAPPER.readValue(payload, Alert.class));
                }
                unwritten.forEach(o -> items.add(payloads.overduePostmortem(o, now.toEpochMilli())));
                if (items.isEmpty()) {
                    return 0;
                }
                Alert digest = payloads.digest(route.name(), route.digest().periodStart(end), end, items);
                int n = 0;
                for (String channel : route.channels()) {
                    n += writer.write(c, cfg, route.name(), channel, digest, null, null, false);
                }
                log.info("digest of route {} for the period ending {}: {} alerts to {}", route.name(), end, items.size(), route.channels());
                return n;
            });
        }
        return written;
    }
}
