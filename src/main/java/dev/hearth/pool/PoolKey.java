package dev.hearth.pool;

/**
 * Which environments can serve an invocation: those of the same function version with the same
 * configuration and code. The revision id changes with every update, so environments started before
 * an update never serve invocations after it.
 */
public record PoolKey(String functionName, String version, String revisionId) {
}
