package dev.hearth.invoke;

import dev.hearth.registry.ConcurrencySettings;

import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts running invocations, per function and in the account's unreserved pool, and admits or
 * throttles each new one by {@link ConcurrencyPolicy}. In memory and lock-free (compare-and-set on
 * atomic counters): it runs on the event loop for every invocation, with no store access.
 */
final class ConcurrencyCounters {

    private final ConcurrencySettings settings;
    private final Map<String, AtomicInteger> byFunction = new ConcurrentHashMap<>();
    private final AtomicInteger unreserved = new AtomicInteger();

    ConcurrencyCounters(ConcurrencySettings settings) {
        this.settings = settings;
    }

    /**
     * One running invocation; {@link #release} it exactly once (further calls do nothing) when the
     * invocation's environment goes back to the pool, whatever the outcome.
     */
    final class Permit {
        private final AtomicInteger function;
        private final boolean inPool;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(AtomicInteger function, boolean inPool) {
            this.function = function;
            this.inPool = inPool;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                function.decrementAndGet();
                if (inPool) {
                    unreserved.decrementAndGet();
                }
            }
        }
    }

    /**
     * Admits one invocation of {@code functionName} or throws AWS's 429 throttle.
     *
     * @param provisionedEnvironment whether it will run on a provisioned environment already leased
     */
    Permit acquire(String functionName, boolean provisionedEnvironment) {
        OptionalInt reserved = settings.reserved(functionName);
        ConcurrencyPolicy.Slot slot = ConcurrencyPolicy.slot(reserved, provisionedEnvironment);
        AtomicInteger function = byFunction.computeIfAbsent(functionName, n -> new AtomicInteger());
        AtomicInteger gate = slot == ConcurrencyPolicy.Slot.UNRESERVED ? unreserved : function;
        int pool = settings.unreservedPool();
        while (true) {
            int running = gate.get();
            var reason = ConcurrencyPolicy.throttle(slot, reserved, running, pool);
            if (reason.isPresent()) {
                throw ConcurrencyPolicy.throttled(reason.get());
            }
            if (gate.compareAndSet(running, running + 1)) {
                break;
            }
        }
        if (gate != function) {
            function.incrementAndGet();
        }
        return new Permit(function, gate == unreserved);
    }

    /** Invocations of a function running now. */
    int running(String functionName) {
        AtomicInteger n = byFunction.get(functionName);
        return n == null ? 0 : n.get();
    }

    /** Invocations running now in the unreserved pool. */
    int runningUnreserved() {
        return unreserved.get();
    }
}
