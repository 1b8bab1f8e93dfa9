package dev.hearth.pool;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The per-function {@link ScaleUpBudget}s of a pool. Lock-free (compare-and-set of immutable budgets);
 * safe to call from event loops.
 */
final class ScaleUpGuard {

    private final int ratePerTenSeconds;
    private final LongSupplier nanoTime;
    private final Map<String, AtomicReference<ScaleUpBudget>> budgets = new ConcurrentHashMap<>();

    ScaleUpGuard(int ratePerTenSeconds, LongSupplier nanoTime) {
        this.ratePerTenSeconds = ratePerTenSeconds;
        this.nanoTime = nanoTime;
    }

    /** Takes one start for {@code functionName}; false when the function is at its scaling rate. */
    boolean tryStart(String functionName) {
        long now = nanoTime.getAsLong();
        AtomicReference<ScaleUpBudget> ref = budgets.computeIfAbsent(functionName,
                n -> new AtomicReference<>(ScaleUpBudget.full(ratePerTenSeconds, now)));
        while (true) {
            ScaleUpBudget current = ref.get();
            Optional<ScaleUpBudget> next = current.take(ratePerTenSeconds, now);
            if (next.isEmpty()) {
                return false;
            }
            if (ref.compareAndSet(current, next.get())) {
                return true;
            }
        }
    }

    int ratePerTenSeconds() {
        return ratePerTenSeconds;
    }

    /** Forgets a function (deleted): its next start finds a full budget. */
    void forget(String functionName) {
        budgets.remove(functionName);
    }
}
