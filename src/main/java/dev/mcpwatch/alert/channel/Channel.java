package dev.mcpwatch.alert.channel;

import java.time.Duration;

/**
 * Where alerts go: one class per kind of receiver, each validated when the configuration loads
 * (see {@link Channels}, the one registry of channel types) and each turning an {@link Alert} into
 * the one request its receiver's API expects.
 *
 * <p>{@link #send} is called by the delivery worker, on its own virtual thread, outside any database
 * transaction; it must return within the delivery's timeout and never throw. It may be called more
 * than once for the same alert (delivery is at-least-once): receivers collapse repeats by the
 * alert's dedup key (PagerDuty's {@code dedup_key}, Opsgenie's alias, the webhook's
 * {@code X-Mcpwatch-Delivery}).
 */
public sealed interface Channel
        permits WebhookChannel, SlackChannel, DiscordChannel, PagerDutyChannel, OpsgenieChannel, TeamsChannel, NtfyChannel, EmailChannel {

    /** The settings every channel has: the name the configuration gives it, its own timeout and concurrency. */
    Channels.Common common();

    /** The name the configuration gives it; routes refer to it. */
    default String name() {
        return common().name();
    }

    /** The registry key: {@code webhook}, {@code slack}, … */
    String type();

    /** Why the channel cannot send (its secret is empty), or null when it can. */
    String disabledBecause();

    default boolean enabled() {
        return disabledBecause() == null;
    }

    /** Whether events of this kind are sent here at all (an e-mail for an acknowledgement is noise). */
    default boolean accepts(String event) {
        return true;
    }

    /** This channel's own delivery timeout, or null for {@code alerting.delivery.timeout}. */
    default Duration timeout() {
        return common().timeout();
    }

    /** Deliveries to this channel at once; the others wait in the outbox, never blocking other channels. */
    default int concurrency() {
        return common().concurrency();
    }

    /** Sends one alert; returns the outcome, never throws. */
    Result send(Alert alert, Attempt attempt);
}
