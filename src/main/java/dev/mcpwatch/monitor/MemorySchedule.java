package dev.mcpwatch.monitor;

import dev.mcpwatch.config.MonitorConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps probing while the database cannot be written (and so cannot schedule): every monitor that
 * this node's location probes on an in-memory timer, results waiting in the recorder's buffer. Only used in that
 * degraded mode; the database scheduler takes over again as soon as the database is back.
 */
final class MemorySchedule {
    private final MonitorRegistry registry;
    private final ProbeAndRecord runner;
    private final Stagger stagger;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mcpwatch-fallback-timer").factory());
    private final Map<String, ScheduledFuture<?>> planned = new ConcurrentHashMap<>();
    private volatile boolean running;

    MemorySchedule(MonitorRegistry registry, ProbeAndRecord runner, Stagger stagger) {
        this.registry = registry;
        this.runner = runner;
        this.stagger = stagger;
    }

    synchronized void start() {
        running = true;
        for (MonitorConfig m : registry.all()) {
            plan(m.id(), DatabaseSchedule.spread(m));
        }
    }

    synchronized void stop() {
        running = false;
        planned.values().forEach(f -> f.cancel(false));
        planned.clear();
    }

    boolean isRunning() {
        return running;
    }

    void add(Iterable<MonitorConfig> monitors) {
        if (running) {
            monitors.forEach(m -> plan(m.id(), DatabaseSchedule.spread(m)));
        }
    }

    void shutdown() {
        stop();
        timer.shutdownNow();
    }

    private void plan(String id, Duration delay) {
        MonitorConfig m = registry.get(id);
        if (!running || planned.containsKey(id) || m == null || !stagger.probesHere(m)) {
            return;
        }
        planned.put(id, timer.schedule(() -> Thread.ofVirtual().name("mcpwatch-fallback-probe").start(() -> runAndReplan(id)),
                delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void runAndReplan(String id) {
        planned.remove(id);
        MonitorConfig m = registry.get(id);
        if (!running || m == null || !stagger.probesHere(m)) {
            return;
        }
        Duration next = m.paused() ? m.interval() : runner.runOnce(m);
        plan(id, next);
    }
}
