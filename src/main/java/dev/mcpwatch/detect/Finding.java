package dev.mcpwatch.detect;

import dev.mcpwatch.probe.Failure;
import tools.jackson.databind.JsonNode;

/**
 * A condition a rule holds about one subject of a monitor (a tool, a certificate and threshold, a
 * drifted list; "" when the rule has one subject only).
 *
 * @param since when the condition began (the onset of an incident it opens)
 * @param message what holds, in a sentence an operator can act on
 * @param headline for a P2 condition, the failure that heads its incident; null for P3
 * @param detail the figures behind the message, for the warning's payload (not kept between probes)
 * @param once a P3 warning raised at most once ever for this subject (a certificate's reminder),
 *     rather than once each time the condition starts to hold
 */
record Finding(String subject, long since, String message, Failure headline, int failingProbes, JsonNode detail, boolean once) {

    static Finding warning(String subject, long since, String message, JsonNode detail) {
        return new Finding(subject, since, message, null, 0, detail, false);
    }

    static Finding degradation(String subject, long since, Failure headline, int failingProbes) {
        return new Finding(subject, since, headline.message(), headline, failingProbes, null, false);
    }

    Finding givenOnce() {
        return new Finding(subject, since, message, headline, failingProbes, detail, true);
    }
}
