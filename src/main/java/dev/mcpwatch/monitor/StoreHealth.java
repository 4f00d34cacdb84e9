package dev.mcpwatch.monitor;

/**
 * Whether results reach the database. While they do not, they wait in memory in order, up to
 * {@code capacity}; past it the oldest are dropped and counted in {@code dropped}, and said in the log.
 */
public record StoreHealth(boolean writable, Long unwritableSince, String lastError, int pending, int capacity, long dropped) {}
