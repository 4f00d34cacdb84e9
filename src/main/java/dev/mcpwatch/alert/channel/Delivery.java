package dev.mcpwatch.alert.channel;

import java.time.Duration;

/**
 * One attempt to deliver an outbox row: its id (stable across retries and restarts, sent to webhook
 * receivers as {@code X-Mcpwatch-Delivery}), the attempt number, the deadline, and the handle the
 * channel kept from an earlier message of the same incident (Discord's message id), if any.
 */
public record Delivery(long id, int attempt, Duration timeout, String threadId) {}
