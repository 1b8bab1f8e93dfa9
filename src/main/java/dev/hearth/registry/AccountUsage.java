package dev.hearth.registry;

/** What GetAccountSettings reports about this node's functions. */
public record AccountUsage(long functionCount, long totalCodeSize) {
}
