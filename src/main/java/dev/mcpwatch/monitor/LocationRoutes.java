package dev.mcpwatch.monitor;

import dev.mcpwatch.store.Database;
import dev.mcpwatch.store.NodeStore;
import dev.mcpwatch.web.Routes;
import io.javalin.config.RoutesConfig;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/locations}: every location a node ever reported on this database, whether it has a
 * live node now (one that beat within {@link Locations#LIVE_WITHIN}), how many, and its latest
 * heartbeat; and the location of the node that answers.
 */
public final class LocationRoutes implements Routes {
    private final Database db;
    private final String own;
    private final InstantSource clock;

    public LocationRoutes(Database db, String own, InstantSource clock) {
        this.db = db;
        this.own = own;
        this.clock = clock;
    }

    /** One location as the API shows it. */
    public record LocationView(String name, boolean live, int liveNodes, int nodes, long lastHeartbeatAt) {}

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/locations", ctx -> {
            long since = clock.millis() - Locations.LIVE_WITHIN.toMillis();
            List<LocationView> items = db.read(c -> new NodeStore().locations(c, since)).stream()
                    .map(r -> new LocationView(r.name(), r.liveNodes() > 0, r.liveNodes(), r.nodes(), r.lastHeartbeatAt()))
                    .toList();
            ctx.json(Map.of("nodeLocation", own, "items", items));
        });
    }
}
