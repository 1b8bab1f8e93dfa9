package dev.hearth.registry;

import java.util.OptionalInt;

/**
 * The data plane's view of concurrency settings, read on every invocation: from memory, lock-free,
 * never blocking (volatile reads of immutable snapshots).
 */
public interface ConcurrencySettings {

    /** The function's reserved concurrency, when it has one (0 throttles every invocation). */
    OptionalInt reserved(String functionName);

    /** Concurrent executions shared by the functions without a reservation (their on-demand ones). */
    int unreservedPool();

    /** The account concurrency limit. */
    int accountLimit();
}
