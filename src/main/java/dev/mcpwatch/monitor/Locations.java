package dev.mcpwatch.monitor;

import dev.mcpwatch.store.LocationLivenessStore;
import dev.mcpwatch.store.NodeStore;
import dev.mcpwatch.store.NodeStore.LocationRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The locations of the nodes sharing the database, as their heartbeats in {@code nodes} show them,
 * read again at each of this node's heartbeats. A location is live while one of its nodes beat
 * within {@link #LIVE_WITHIN}; this node's own location always counts as live to itself.
 */
public final class Locations {
    /**
     * A node that beat within this is alive: fifteen of its {@link Scheduling#HEARTBEAT}s, beyond the
     * 20 s after which db-scheduler hands a dead node's probes to another. Ten seconds told the
     * operator of a lost location while its nodes were only slow (heartbeats 15–22 s apart on a host
     * running far more probes than it could, in the locations benchmark).
     */
    public static final Duration LIVE_WITHIN = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(Locations.class);

    private final String own;
    private final NodeStore nodes = new NodeStore();
    private final LocationLivenessStore states = new LocationLivenessStore();
    private volatile List<LocationRow> rows = List.of();
    private volatile boolean read;

    public Locations(String own) {
        this.own = own;
    }

    public String own() {
        return own;
    }

    /** Reads the nodes' rows again; returns what was read. */
    List<LocationRow> refresh(Connection c, long now) throws SQLException {
        rows = nodes.locations(c, now - LIVE_WITHIN.toMillis());
        read = true;
        return rows;
    }

    /** Every location a node ever reported, with its live nodes and latest heartbeat, as last read. */
    public List<LocationRow> all() {
        return rows;
    }

    /** The names of the locations with a live node, this node's own included. */
    public Set<String> live() {
        Set<String> names = new TreeSet<>();
        names.add(own);
        for (LocationRow r : rows) {
            if (r.liveNodes() > 0) {
                names.add(r.name());
            }
        }
        return names;
    }

    /**
     * The locations with a live node as the quorum of a monitor's locations counts them, or null
     * before the nodes' heartbeats were first read: then nothing is known of the other locations, and
     * the quorum goes by the locations' recent probes alone (as it always does besides).
     */
    public Set<String> liveForQuorum() {
        return read ? live() : null;
    }

    /**
     * Publishes each location that lost its last live node since the nodes last looked, or has one
     * again, as of the last {@link #refresh}: once across the nodes, since only the node whose
     * conditional update changed the location's state publishes it (in the same transaction).
     */
    void announce(Connection c, MonitorEvents events, long now) throws SQLException {
        for (LocationRow r : rows) {
            boolean live = r.liveNodes() > 0 || r.name().equals(own);
            if (states.set(c, r.name(), live, now)) {
                if (live) {
                    log.info("location {} has a live node again", r.name());
                } else {
                    log.warn("location {} has no live node (last heartbeat {} ms ago); its monitors are probed from the other locations",
                            r.name(), now - r.lastHeartbeatAt());
                }
                events.publish(c, new MonitorEvent.LocationChanged(r.name(), live, r.lastHeartbeatAt(), now));
            }
        }
    }
}
