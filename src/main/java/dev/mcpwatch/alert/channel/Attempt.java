package dev.mcpwatch.alert.channel;

import java.time.Duration;
import java.time.Instant;

/**
 * One attempt to deliver an outbox row: the row's id (stable across retries and restarts, sent to
 * webhook receivers as {@code X-Mcpwatch-Delivery}), which attempt this is, when it is made (the
 * time a message says it was sent), its deadline, and the handle the channel kept from an earlier
 * message of the same incident (Discord's message id), if any.
 */
public record Attempt(long deliveryId, int number, Instant at, Duration timeout, String threadId) {}
