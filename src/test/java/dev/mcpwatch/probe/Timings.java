package dev.mcpwatch.probe;

/** Picking one phase's timing out of a result, for assertions on its status, body type and server time. */
final class Timings {
    private Timings() {}

    /** The first timing recorded for {@code phase}; fails the test when there is none. */
    static PhaseTiming of(ProbeResult r, Phase phase) {
        return r.timings().stream().filter(t -> t.phase() == phase).findFirst()
                .orElseThrow(() -> new AssertionError("no " + phase.wireName() + " timing in " + r.timings()));
    }
}
