package dev.mcpwatch.canary;

import dev.mcpwatch.incident.Severity;
import java.time.Duration;
import java.time.Instant;

/**
 * A continuous canary as the configuration ({@code canaries:}) or {@code POST /api/canaries}
 * defines it: two monitors, the stable and the canary, compared round after round; or one monitor
 * whose URL leads to both, split by a response header. {@code stage} is where the canary starts
 * (5, 25, 50 or 100 % of traffic), {@code started_at} when (default: when mcpwatch first sees it);
 * promotions are recorded later through the API. A rollback verdict alerts as
 * {@code canary.rollback} with {@code severity} (P1 by default) through the alert routes.
 *
 * @param interval how often a round probes both sides (default 10 s)
 * @param allowBreaking breaking tool-surface changes are acknowledged for this deploy
 */
public record CanarySettings(String id, String stable, String canary, String monitor, Split split, Integer stage, Instant startedAt,
        Duration interval, Boolean allowBreaking, Severity severity) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_INTERVAL = Duration.ofHours(1);

    /** Stable and canary behind one URL: the header that names the version, and each side's value of it. */
    public record Split(String header, String stable, String canary) {
        HeaderSplit toHeaderSplit() {
            return new HeaderSplit(header, stable, canary);
        }
    }

    public CanarySettings {
        if (id == null || !id.matches("[a-z0-9][a-z0-9._-]{0,62}")) {
            throw new IllegalArgumentException("a canary id is 1 to 63 lowercase letters, digits, '.', '_' or '-', starting with a letter or "
                    + "digit; got " + (id == null ? "none" : "'" + id + "'"));
        }
        boolean two = stable != null || canary != null;
        boolean one = monitor != null || split != null;
        if (two == one) {
            throw new IllegalArgumentException("canary '" + id + "' needs either stable and canary (two monitor ids), or monitor and split "
                    + "(one monitor whose responses name the version in a header)");
        }
        if (two && (stable == null || canary == null)) {
            throw new IllegalArgumentException("canary '" + id + "' needs both stable and canary monitor ids");
        }
        if (two && stable.equals(canary)) {
            throw new IllegalArgumentException("canary '" + id + "': stable and canary are the same monitor '" + stable + "'");
        }
        if (one && (monitor == null || split == null)) {
            throw new IllegalArgumentException("canary '" + id + "' needs both monitor and split (header, stable, canary)");
        }
        if (split != null) {
            split.toHeaderSplit(); // says what is wrong with the header or the values
        }
        stage = Stage.of(stage == null ? Stage.FIVE.percent() : stage).percent();
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("canary '" + id + "': interval must be between 1s and 1h, got " + Analysis.words(interval));
        }
        allowBreaking = allowBreaking != null && allowBreaking;
        severity = severity == null ? Severity.P1 : severity;
    }

    /** The monitors this canary probes. */
    java.util.List<String> monitors() {
        return monitor != null ? java.util.List.of(monitor) : java.util.List.of(stable, canary);
    }

    /** The monitor a rollback alert is about: the canary's, or the one URL's. */
    String alertedMonitor() {
        return monitor != null ? monitor : canary;
    }

    Stage firstStage() {
        return Stage.of(stage);
    }
}
