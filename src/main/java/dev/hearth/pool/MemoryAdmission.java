package dev.hearth.pool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Whether a new environment fits the node's memory budget, and which idle environments to evict to
 * make it fit. Pure: the pool passes its figures and its idle environments, and carries out the plan.
 *
 * <p>Environments are counted by their function's MemorySize (what the sandbox may use). When the
 * budget is full, idle environments of other functions go first, then idle environments of the same
 * function's other versions (or outdated configurations), least recently used first within each group;
 * busy and provisioned environments are never candidates.
 */
public final class MemoryAdmission {

    /** An idle environment that could be evicted. */
    public record Candidate<E>(E environment, PoolKey key, int memoryMb, long lastUsedNanos) {
    }

    private MemoryAdmission() {
    }

    /**
     * The environments to evict so that {@code neededMb} more fits: empty list when it fits already,
     * empty optional when it cannot fit even after evicting every candidate.
     */
    public static <E> Optional<List<Candidate<E>>> victims(long budgetMb, long usedMb, int neededMb, PoolKey requester,
                                                           List<Candidate<E>> idle) {
        long missing = usedMb + neededMb - budgetMb;
        if (missing <= 0) {
            return Optional.of(List.of());
        }
        List<Candidate<E>> ordered = new ArrayList<>();
        for (Candidate<E> c : idle) {
            if (!c.key().equals(requester)) {
                ordered.add(c);
            }
        }
        ordered.sort(Comparator.<Candidate<E>>comparingInt(c -> sameFunction(c, requester) ? 1 : 0)
                .thenComparingLong(Candidate::lastUsedNanos));
        List<Candidate<E>> chosen = new ArrayList<>();
        for (Candidate<E> c : ordered) {
            if (missing <= 0) {
                break;
            }
            chosen.add(c);
            missing -= c.memoryMb();
        }
        return missing <= 0 ? Optional.of(chosen) : Optional.empty();
    }

    private static boolean sameFunction(Candidate<?> c, PoolKey requester) {
        return c.key().functionName().equals(requester.functionName());
    }
}
