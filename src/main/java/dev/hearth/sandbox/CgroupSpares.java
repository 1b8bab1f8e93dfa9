package dev.hearth.sandbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Cgroups made ahead for plain launches, one per set of limits: making a sandbox's cgroup (on cgroup v1 a
 * {@code mkdir} in each of the memory, cpu and pids hierarchies, then the limit writes) was the largest
 * item of the launching thread's work between the Invoke and the exec of the sandbox, about 1 ms of CPU
 * and more in wall time when the kernel's cgroup lock is contended. A launch takes the spare made with its
 * exact limits, so the cgroup it gets is the one {@link Cgroups#create} would have made; after its
 * process is spawned, {@link #replenish} makes the next one on the given executor, off the launch's path.
 * A launch with limits no spare was made for (another memory size, the first launch) makes its cgroup
 * on demand, as before, and a spare for those limits follows.
 *
 * <p>Where the launcher can (bubblewrap), each spare also holds a process started in it ahead
 * ({@link WaitingLaunch}): joining a cgroup on v1 waits for an RCU grace period, about 10 ms, which the
 * launch then does not wait for. A launch that cannot feed such a process leaves the spare to the next launch
 * and makes its own cgroup; a spare whose process has ended is removed when found.
 *
 * <p>Spares are named {@code spare_<n>} (an underscore, which sandbox ids cannot contain, so never a
 * sandbox's name), not after the sandbox that takes them: nothing reads a cgroup by the sandbox's id. At
 * most {@link #KINDS} sets of limits keep a spare; the least recently taken one is removed for a new
 * one. A failure to make a spare is logged and leaves the next launch to make its own. {@link #close}
 * removes the spares no launch took; a node that dies leaves them in its subtree, which the next node's
 * {@link CgroupFiles#sweepStaleNodes} removes.
 *
 * <p>Threading: thread-safe. {@link #take} blocks on cgroupfs only when no spare fits; {@link #replenish}
 * never blocks (the work runs on the executor).
 */
final class CgroupSpares implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupSpares.class);
    /** Sets of limits that keep a spare: a node's cold starts mostly come in a few memory sizes. */
    static final int KINDS = 4;

    private final Cgroups cgroups;
    private final Executor maker;
    private final Function<Cgroup, Optional<TopProcess>> starter;
    private final AtomicLong names = new AtomicLong();
    /** Guards the fields below; no cgroupfs work is done under it. Access order: eldest = least recently taken. */
    private final Object lock = new Object();
    private final LinkedHashMap<ResourceLimits, Spare> ready = new LinkedHashMap<>(8, 0.75f, true);
    private final Set<ResourceLimits> making = new HashSet<>();
    private boolean closed;

    /** Spares of cgroups alone. @param maker runs the making of spares; its tasks must not run on a launch's path */
    CgroupSpares(Cgroups cgroups, Executor maker) {
        this(cgroups, maker, cgroup -> Optional.empty());
    }

    /** @param starter starts a {@link WaitingLaunch} in a new spare cgroup, where it can; runs on {@code maker} */
    CgroupSpares(Cgroups cgroups, Executor maker, Function<Cgroup, Optional<TopProcess>> starter) {
        this.cgroups = cgroups;
        this.maker = maker;
        this.starter = starter;
    }

    /** A launch's cgroup, and the process waiting in it when the cgroup is a spare that has one. */
    record Taken(Optional<Cgroup> cgroup, Optional<TopProcess> waiting) {
    }

    /** A spare cgroup and the process waiting in it, if any. */
    private record Spare(Cgroup cgroup, Optional<TopProcess> waiting) {
        void remove() {
            waiting.ifPresent(p -> {
                p.kill();
                p.exitValue().whenComplete((value, failure) -> p.release());
            });
            cgroup.remove();
        }
    }

    /** {@link #take(String, ResourceLimits, boolean)} for a launch that cannot feed a waiting process. */
    Optional<Cgroup> take(String id, ResourceLimits limits) throws IOException {
        return take(id, limits, false).cgroup();
    }

    /**
     * The spare made with exactly {@code limits} (with its waiting process, which the caller then owns and
     * must feed or kill) when {@code canFeed} or it has none; else a cgroup made now, named {@code id}, as
     * {@link Cgroups#create} does (empty without cgroups).
     */
    Taken take(String id, ResourceLimits limits, boolean canFeed) throws IOException {
        Spare spare;
        synchronized (lock) {
            spare = ready.get(limits);
            if (spare != null && (canFeed || spare.waiting().isEmpty())) {
                ready.remove(limits);
            } else {
                spare = null;
            }
        }
        if (spare != null && spare.waiting().filter(p -> p.exitValue().isDone()).isPresent()) {
            spare.remove(); // its process ended (killed from outside): make the cgroup as if there were no spare
            spare = null;
        }
        return spare != null ? new Taken(Optional.of(spare.cgroup()), spare.waiting())
                : new Taken(cgroups.create(id, limits), Optional.empty());
    }

    /** Makes a spare for {@code limits} on the executor, unless one is kept or being made already. */
    void replenish(ResourceLimits limits) {
        synchronized (lock) {
            if (closed || ready.containsKey(limits) || !making.add(limits)) {
                return;
            }
        }
        try {
            maker.execute(() -> make(limits));
        } catch (RejectedExecutionException e) {
            // The launcher is closing: no launch will want it.
            synchronized (lock) {
                making.remove(limits);
            }
        }
    }

    private void make(ResourceLimits limits) {
        Optional<Spare> made = Optional.empty();
        try {
            made = cgroups.create("spare_" + names.incrementAndGet(), limits)
                    .map(cgroup -> new Spare(cgroup, starter.apply(cgroup)));
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot make a spare cgroup; launches make their own: {}", e.getMessage());
        }
        List<Spare> unwanted = new ArrayList<>();
        synchronized (lock) {
            making.remove(limits);
            if (made.isPresent()) {
                if (closed) {
                    unwanted.add(made.get());
                } else {
                    while (ready.size() >= KINDS) {
                        var eldest = ready.entrySet().iterator();
                        unwanted.add(eldest.next().getValue());
                        eldest.remove();
                    }
                    ready.put(limits, made.get());
                }
            }
        }
        unwanted.forEach(Spare::remove);
    }

    /** How many spares are kept now (for tests). */
    int kept() {
        synchronized (lock) {
            return ready.size();
        }
    }

    /**
     * Removes the spares no launch took; none is made afterwards. A spare still being made is removed when
     * done, so the caller must let the executor finish before removing the node's subtree.
     */
    @Override
    public void close() {
        List<Spare> left;
        synchronized (lock) {
            closed = true;
            left = List.copyOf(ready.values());
            ready.clear();
        }
        left.forEach(Spare::remove);
    }
}
