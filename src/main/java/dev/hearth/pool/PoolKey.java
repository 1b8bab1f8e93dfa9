package dev.hearth.pool;

/**
 * Which environments can serve an invocation: those of the same function version with the same
 * configuration and code. The revision id changes with every update, so environments started before
 * an update never serve invocations after it.
 */
public record PoolKey(String functionName, String version, String revisionId) {

    /** One version of a function, whatever its revision: the unit that {@code retire} replaces. */
    public record Slot(String functionName, String version) {
    }

    public Slot slot() {
        return new Slot(functionName, version);
    }
}
