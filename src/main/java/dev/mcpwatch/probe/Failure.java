package dev.mcpwatch.probe;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Why a probe failed: one reason from the closed set, the phase it happened in and a sentence a
 * person can act on ("Connection refused to 127.0.0.1:443", "Timeout after 10000 ms in initialize").
 */
public record Failure(Reason reason, Phase phase, String message) {

    public Failure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(message, "message");
    }

    @JsonProperty("layer")
    public Layer layer() {
        return reason.layer();
    }
}
