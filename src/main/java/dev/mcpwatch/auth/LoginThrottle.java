package dev.mcpwatch.auth;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing per user name: after {@link #FAILURES} wrong passwords in a row, that name
 * is refused for {@link #LOCK_MS} without a password check. In memory: a restart forgets, which only
 * gives a guesser five more tries.
 */
final class LoginThrottle {
    static final int FAILURES = 5;
    static final long LOCK_MS = 60_000;

    private record State(int failures, long lockedUntil) {}

    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
    private final InstantSource clock;

    LoginThrottle(InstantSource clock) {
        this.clock = clock;
    }

    String refusal(String user) {
        State s = states.get(user);
        long now = clock.millis();
        if (s != null && s.lockedUntil() > now) {
            return "too many wrong passwords for this user; try again in " + ((s.lockedUntil() - now) / 1000 + 1) + " s";
        }
        return null;
    }

    void failed(String user) {
        if (states.size() > 10_000) {
            states.clear(); // names that do not exist must not fill the memory
        }
        states.compute(user, (k, s) -> {
            int failures = s == null ? 1 : s.failures() + 1;
            return failures >= FAILURES ? new State(0, clock.millis() + LOCK_MS) : new State(failures, 0);
        });
    }

    void succeeded(String user) {
        states.remove(user);
    }
}
