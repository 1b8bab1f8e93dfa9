package dev.hearth.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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
                // Every API request takes one, so not UUID.randomUUID(): its SecureRandom costs microseconds
                // and a shared lock per call. A request id must be unique, not unguessable (nothing is
                // authorised by knowing one), and 122 bits from the thread's own generator are.
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long high = (random.nextLong() & ~0xF000L) | 0x4000L;
                long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
                return new UUID(high, low).toString();
            }

            @Override
            public String revisionId() {
                return UUID.randomUUID().toString();
            }
        };
    }
}
