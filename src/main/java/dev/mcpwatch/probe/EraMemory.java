package dev.mcpwatch.probe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the probe remembers which protocol era each target speaks, so that detection (one extra
 * request against legacy servers) happens once and not on every probe. The server keeps it in its
 * database; the CLI in memory.
 */
public interface EraMemory {
    Era recall(String target);

    void remember(String target, Era era);

    void forget(String target);

    static EraMemory inMemory() {
        Map<String, Era> eras = new ConcurrentHashMap<>();
        return new EraMemory() {
            @Override
            public Era recall(String target) {
                return eras.get(target);
            }

            @Override
            public void remember(String target, Era era) {
                eras.put(target, era);
            }

            @Override
            public void forget(String target) {
                eras.remove(target);
            }
        };
    }
}
