package dev.hearth.sandbox;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a sandbox's cgroup says about it, for every kind of sandbox that has one (a spawned process tree,
 * a forked child): the peak memory, read once when the tree exits because the cgroup is removed soon
 * after; the out-of-memory verdict at exit; and the removal itself, only once the tree has gone.
 *
 * <p>Threading: thread-safe. {@link #atExit} runs where the exit is observed; {@link #awaitExitThenRemove}
 * blocks up to a few seconds.
 */
final class CgroupAccount {
    private static final long EXIT_WAIT_SECONDS = 5;

    private final Optional<Cgroup> cgroup;
    /** Read when the tree exits, before the cgroup is removed; empty until then. */
    private volatile OptionalLong finalPeak = OptionalLong.empty();

    CgroupAccount(Optional<Cgroup> cgroup) {
        this.cgroup = cgroup;
    }

    /** Called once when the tree has exited: keeps the peak, and says whether the kernel killed it for memory. */
    boolean atExit() {
        finalPeak = cgroup.map(Cgroup::peakMemoryBytes).orElse(OptionalLong.empty());
        return cgroup.map(Cgroup::oomKilled).orElse(false);
    }

    /** The peak so far while the tree runs, the one kept at exit after. */
    OptionalLong maxMemoryUsedBytes(boolean exited) {
        return exited ? finalPeak : cgroup.map(Cgroup::peakMemoryBytes).orElse(OptionalLong.empty());
    }

    /**
     * Waits (a few seconds at most) for {@code exit}, then removes the cgroup either way: a process stuck in
     * the kernel is killed when it returns.
     */
    void awaitExitThenRemove(CompletableFuture<?> exit) {
        try {
            exit.get(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Removed below all the same.
        }
        cgroup.ifPresent(Cgroup::remove);
    }
}
