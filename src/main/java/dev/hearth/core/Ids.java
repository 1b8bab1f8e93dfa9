package dev.hearth.core;

import java.util.UUID;

/**
 * Generates the ids Hearth hands out: request ids and revision ids. Injected so that tests can make
 * them predictable.
 */
public interface Ids {
    /** A fresh request id, formatted as AWS formats them (a lowercase UUID). */
    String requestId();

    /** A fresh revision id for a function or alias (a UUID, as AWS's). */
    String revisionId();

    /** Random UUIDs. Thread-safe. */
    static Ids random() {
        return new Ids() {
            @Override
            public String requestId() {
                return UUID.randomUUID().toString();
            }

            @Override
            public String revisionId() {
                return UUID.randomUUID().toString();
            }
        };
    }
}
