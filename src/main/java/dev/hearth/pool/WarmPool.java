package dev.hearth.pool;

import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.environment.Environment;
import dev.hearth.environment.EnvironmentFactory;
import dev.hearth.environment.EnvironmentSpec;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link EnvironmentPool} with a lock-free idle stack per key. A lease pops idle environments until it
 * finds a live one; a release pushes the environment back unless it stopped or its configuration was
 * retired meanwhile. One periodic timer reaps environments idle longer than the keep-alive.
 *
 * <p>Before an environment starts, two guards apply: the function's scaling rate ({@link ScaleUpGuard};
 * on-demand starts only) and the node's memory budget, where every live or starting environment counts
 * its MemorySize. When the budget is full, idle environments are evicted as {@link MemoryAdmission}
 * plans it; if that cannot make room either, the lease fails with a 429 that gives the figures.
 * Provisioned sets ({@link ProvisionedSet}) live beside the idle stacks: leased first, never reaped.
 *
 * <p>Threading: lease/release are called from event loops and must not block; they only touch
 * concurrent collections and atomic counters. Starting an environment's preparation runs on the
 * blocking executor.
 *
 * <p>About 400 lines: eviction has to take environments out of the very idle and finishing stacks that
 * lease and release work on, under the same ownership rule (whoever removes an entry owns it), so the
 * memory accounting lives here rather than behind an interface; its decisions are in
 * {@link MemoryAdmission}, {@link ScaleUpBudget} and {@link ProvisionedSet}.
 */
final class WarmPool implements EnvironmentPool {
    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

    private final EnvironmentFactory factory;
    private final Executor blocking;
    private final long keepAliveNanos;
    private final Vertx vertx;
    private final long reaperTimer;
    private final Map<PoolKey, Deque<Environment>> idle = new ConcurrentHashMap<>();
    /** Which loop each on-demand environment lives on: a lease prefers one of its own loop. */
    private final LoopAffinity affinity = new LoopAffinity();
    /** Environments that answered their caller and are about to be idle, claimable by a lease. */
    private final Map<PoolKey, Deque<Finishing>> finishing = new ConcurrentHashMap<>();
    /** Provisioned environments between answering their caller and being idle again, by key. */
    private final Map<PoolKey, Deque<Finishing>> finishingProvisioned = new ConcurrentHashMap<>();
    /** The newest key per function version: releases of older keys shut their environment down. */
    private final Map<PoolKey.Slot, PoolKey> currentKeys = new ConcurrentHashMap<>();
    private final AtomicInteger live = new AtomicInteger();
    /** Provisioned sets by key; a lease of the key tries them before anything else. */
    private final Map<PoolKey, List<ProvisionedSet>> provisioned = new ConcurrentHashMap<>();
    private final long memoryBudgetMb;
    /** MemorySize of every live or starting environment. */
    private final AtomicLong memoryInUseMb = new AtomicLong();
    /** What each live environment counts in {@link #memoryInUseMb}; removed (and subtracted) exactly once. */
    private final Map<Environment, Integer> memoryOf = new ConcurrentHashMap<>();
    private final ScaleUpGuard scaleUp;
    private volatile boolean closed;

    WarmPool(EnvironmentFactory factory, Executor blocking, Duration keepAlive, Vertx vertx, long memoryBudgetMb,
             int scaleUpPerTenSeconds) {
        this.factory = factory;
        this.blocking = blocking;
        this.keepAliveNanos = keepAlive.toNanos();
        this.vertx = vertx;
        this.memoryBudgetMb = memoryBudgetMb;
        this.scaleUp = new ScaleUpGuard(scaleUpPerTenSeconds, System::nanoTime);
        long period = Math.max(1_000, Math.min(60_000, keepAlive.toMillis() / 4));
        this.reaperTimer = vertx.setPeriodic(period, id -> reap());
    }

    @Override
    public Optional<Lease> leaseProvisioned(PoolKey key) {
        List<ProvisionedSet> sets = provisioned.get(key);
        if (sets == null || closed) {
            return Optional.empty();
        }
        for (ProvisionedSet set : sets) {
            Optional<Environment> env = set.lease();
            if (env.isPresent()) {
                return Optional.of(new Lease(key, env.get(), false, true));
            }
        }
        return Optional.empty();
    }

    @Override
    public CompletableFuture<Lease> lease(PoolKey key, int memoryMb, Supplier<EnvironmentSpec> spec) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the pool is closed"));
        }
        currentKeys.merge(key.slot(), key, (old, now) -> now);
        Deque<Environment> stack = idle.get(key);
        if (stack != null) {
            Environment env;
            while ((env = affinity.take(stack, e -> e)) != null) {
                if (!env.isStopped() && env.isIdle()) {
                    return CompletableFuture.completedFuture(new Lease(key, env, false));
                }
                forget(env);
            }
        }
        Deque<Finishing> almostIdle = finishing.get(key);
        Finishing claimed = almostIdle == null ? null : affinity.take(almostIdle, Finishing::environment);
        if (claimed != null) {
            return claimed.done().thenCompose(reusable -> reusable && !claimed.environment().isStopped()
                    ? CompletableFuture.completedFuture(new Lease(key, claimed.environment(), false))
                    : startNew(key, memoryMb, spec));
        }
        return startNew(key, memoryMb, spec);
    }

    /** A cold start on demand: within the function's scaling rate and the memory budget, else a 429. */
    private CompletableFuture<Lease> startNew(PoolKey key, int memoryMb, Supplier<EnvironmentSpec> spec) {
        if (!scaleUp.tryStart(key.functionName())) {
            return CompletableFuture.failedFuture(new LambdaException(ErrorCode.TOO_MANY_REQUESTS, "Rate Exceeded.",
                    Map.of("Reason", SCALE_UP_REASON), null));
        }
        return start(key, memoryMb, spec).thenApply(env -> new Lease(key, env, true));
    }

    /** AWS's ThrottleReason for a function scaling faster than its rate allows. */
    static final String SCALE_UP_REASON = "FunctionInvocationRateLimitExceeded";
    /** The ThrottleReason for a node whose memory budget is full: it cannot run more at once. */
    static final String MEMORY_REASON = "ConcurrentInvocationLimitExceeded";

    /** Admits {@code memoryMb} into the budget (evicting idle environments if need be), then starts. */
    private CompletableFuture<Environment> start(PoolKey key, int memoryMb, Supplier<EnvironmentSpec> spec) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the pool is closed"));
        }
        CallerLoop loop = CallerLoop.capture(vertx);
        return admit(key, memoryMb, 0).thenCompose(admitted -> CompletableFuture.supplyAsync(() -> {
            Environment env;
            try {
                EnvironmentSpec wanted = spec.get();
                env = loop.run(() -> factory.start(wanted));
            } catch (RuntimeException | Error e) {
                memoryInUseMb.addAndGet(-memoryMb);
                throw e;
            }
            memoryOf.put(env, memoryMb);
            affinity.remember(env, loop);
            live.incrementAndGet();
            env.stopped().whenComplete((v, e) -> {
                affinity.forget(env);
                live.decrementAndGet();
                freeMemory(env);
            });
            return env;
        }, blocking));
    }

    /**
     * Takes {@code memoryMb} of the budget, evicting idle environments when it is full; a 429 when even
     * that cannot make room. Lock-free: a compare-and-set on the total, retried after evictions. An
     * environment that has just answered its caller (finishing, about to be idle) may be chosen too: it is
     * claimed at once and evicted when it is done, and admission is tried again then — without blocking.
     */
    private CompletableFuture<Void> admit(PoolKey key, int memoryMb, int round) {
        for (int attempt = 0; attempt < 4; attempt++) {
            long used = memoryInUseMb.get();
            if (used + memoryMb <= memoryBudgetMb) {
                if (memoryInUseMb.compareAndSet(used, used + memoryMb)) {
                    return CompletableFuture.completedFuture(null);
                }
                continue;
            }
            Optional<List<MemoryAdmission.Candidate<Object>>> plan =
                    MemoryAdmission.victims(memoryBudgetMb, used, memoryMb, key, evictionCandidates());
            if (plan.isEmpty()) {
                break;
            }
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (MemoryAdmission.Candidate<Object> victim : plan.get()) {
                evict(victim, key, memoryMb).ifPresent(pending::add);
            }
            if (!pending.isEmpty() && round < 4) {
                return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                        .thenCompose(v -> admit(key, memoryMb, round + 1));
            }
        }
        long used = memoryInUseMb.get();
        return CompletableFuture.failedFuture(new LambdaException(ErrorCode.TOO_MANY_REQUESTS,
                "The node's memory budget is full: environments use " + used + " MB of " + memoryBudgetMb + " MB, "
                        + key.functionName() + " needs " + memoryMb + " MB more, and no idle environment can be"
                        + " evicted to make room (the rest are busy or provisioned).",
                Map.of("Reason", MEMORY_REASON), null));
    }

    /**
     * Evicts one candidate if it is still ours to take (whoever removes an environment from its stack owns
     * it: a lease may have taken it first). A finishing one is evicted once done: the returned future.
     */
    private Optional<CompletableFuture<Void>> evict(MemoryAdmission.Candidate<Object> victim, PoolKey forKey,
                                                    int memoryMb) {
        if (victim.environment() instanceof Finishing f) {
            Deque<Finishing> stack = finishing.get(victim.key());
            if (stack == null || !stack.remove(f)) {
                return Optional.empty();
            }
            return Optional.of(f.done().handle((reusable, error) -> {
                evictNow(f.environment(), victim.key(), forKey, memoryMb);
                return null;
            }));
        }
        Environment env = (Environment) victim.environment();
        Deque<Environment> stack = idle.get(victim.key());
        if (stack != null && stack.remove(env)) {
            evictNow(env, victim.key(), forKey, memoryMb);
        }
        return Optional.empty();
    }

    private void evictNow(Environment env, PoolKey of, PoolKey forKey, int memoryMb) {
        LOG.debug("evicting idle environment {} of {} to make room for {} ({} MB)", env.id(), of, forKey, memoryMb);
        freeMemory(env);
        env.shutdown("spindown");
    }

    /** Idle and finishing (unclaimed) environments, the only ones the memory budget may evict. */
    private List<MemoryAdmission.Candidate<Object>> evictionCandidates() {
        List<MemoryAdmission.Candidate<Object>> out = new ArrayList<>();
        idle.forEach((key, stack) -> {
            for (Environment env : stack) {
                Integer mb = memoryOf.get(env);
                if (mb != null && !env.isStopped()) {
                    out.add(new MemoryAdmission.Candidate<>(env, key, mb, env.lastUsedNanos()));
                }
            }
        });
        finishing.forEach((key, stack) -> {
            for (Finishing f : stack) {
                Integer mb = memoryOf.get(f.environment());
                if (mb != null && !f.environment().isStopped()) {
                    out.add(new MemoryAdmission.Candidate<>(f, key, mb, f.environment().lastUsedNanos()));
                }
            }
        });
        return out;
    }

    private void freeMemory(Environment env) {
        Integer mb = memoryOf.remove(env);
        if (mb != null) {
            memoryInUseMb.addAndGet(-mb);
        }
    }

    @Override
    public Provisioned provision(PoolKey key, int memoryMb, int count, Supplier<EnvironmentSpec> spec,
                                 Consumer<ProvisionedProgress> progress) {
        ProvisionedSet set = new ProvisionedSet(key, count, memoryMb, spec, progress, this::start);
        provisioned.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(set);
        set.fill();
        return new Provisioned() {
            @Override
            public ProvisionedProgress progress() {
                return set.progress();
            }

            @Override
            public void close() {
                provisioned.computeIfPresent(key, (k, sets) -> {
                    sets.remove(set);
                    return sets.isEmpty() ? null : sets;
                });
                set.close();
            }
        };
    }

    @Override
    public void holdMemory(long deltaMb) {
        memoryInUseMb.addAndGet(deltaMb);
    }

    @Override
    public long memoryInUseMb() {
        return memoryInUseMb.get();
    }

    /** An environment between answering its caller and being idle again. */
    private record Finishing(Environment environment, CompletableFuture<Boolean> done) {
    }

    @Override
    public void releaseWhenFinished(Lease lease, CompletableFuture<Boolean> finished) {
        if (lease.provisioned()) {
            // A provisioned environment goes back to its set, never to the claimable on-demand stacks; until
            // then the next provisioned invoke of its key may claim it (claimFinishingProvisioned).
            Deque<Finishing> stack = finishingProvisioned.computeIfAbsent(lease.key(), k -> new ConcurrentLinkedDeque<>());
            Finishing entry = new Finishing(lease.environment(), finished);
            stack.offerFirst(entry);
            finished.whenComplete((reusable, error) -> {
                if (stack.remove(entry)) {
                    settleProvisioned(lease, Boolean.TRUE.equals(reusable));
                }
            });
            return;
        }
        if (finished.isDone()) {
            release(lease);
            return;
        }
        Deque<Finishing> stack = finishing.computeIfAbsent(lease.key(), k -> new ConcurrentLinkedDeque<>());
        Finishing entry = new Finishing(lease.environment(), finished);
        stack.offerFirst(entry);
        finished.whenComplete((reusable, error) -> {
            // Whoever removes the entry owns the environment: here, nobody claimed it, so it goes idle.
            if (stack.remove(entry)) {
                if (Boolean.TRUE.equals(reusable)) {
                    release(lease);
                } else if (!lease.environment().isStopped()) {
                    lease.environment().shutdown("failure");
                }
            }
        });
    }

    @Override
    public Optional<CompletableFuture<Optional<Lease>>> claimFinishingProvisioned(PoolKey key) {
        Deque<Finishing> stack = finishingProvisioned.get(key);
        // Whoever removes the entry owns the environment: here, the invoke that claims it.
        Finishing claimed = stack == null || closed ? null : stack.pollFirst();
        if (claimed == null) {
            return Optional.empty();
        }
        Lease lease = new Lease(key, claimed.environment(), false, true);
        return Optional.of(claimed.done().handle((reusable, error) -> {
            if (Boolean.TRUE.equals(reusable) && !claimed.environment().isStopped()) {
                return Optional.of(lease);
            }
            settleProvisioned(lease, false);
            return Optional.empty();
        }));
    }

    /** A provisioned environment's invoke is over: back to its set, shut down first when not reusable. */
    private void settleProvisioned(Lease lease, boolean reusable) {
        if (!reusable && !lease.environment().isStopped()) {
            lease.environment().shutdown("failure");
        }
        release(lease);
    }

    @Override
    public void release(Lease lease) {
        Environment env = lease.environment();
        if (env.isStopped()) {
            return;
        }
        if (lease.provisioned()) {
            giveBackProvisioned(lease.key(), env);
            return;
        }
        PoolKey current = currentKeys.get(lease.key().slot());
        if (closed || !lease.key().equals(current)) {
            env.shutdown("spindown");
            return;
        }
        idle.computeIfAbsent(lease.key(), k -> new ConcurrentLinkedDeque<>()).offerFirst(env);
    }

    private void giveBackProvisioned(PoolKey key, Environment env) {
        for (ProvisionedSet set : provisioned.getOrDefault(key, List.of())) {
            if (set.giveBack(env)) {
                return;
            }
        }
        // Its set was closed meanwhile (configuration deleted): nothing keeps it.
        env.shutdown("spindown");
    }

    @Override
    public void retire(String functionName, String version, Optional<PoolKey> current) {
        PoolKey.Slot slot = new PoolKey.Slot(functionName, version);
        if (current.isPresent()) {
            currentKeys.put(slot, current.get());
        } else {
            currentKeys.remove(slot);
            if ("$LATEST".equals(version)) {
                scaleUp.forget(functionName); // the function is gone: a new one of that name starts afresh
            }
        }
        idle.forEach((key, stack) -> {
            if (key.slot().equals(slot) && !Optional.of(key).equals(current)) {
                idle.remove(key, stack);
                drain(stack);
            }
        });
    }

    private void drain(Deque<Environment> stack) {
        Environment env;
        while ((env = stack.pollFirst()) != null) {
            env.shutdown("spindown");
        }
    }

    /** Shuts down environments idle past the keep-alive. Runs on the timer's event loop; only signals. */
    private void reap() {
        long now = System.nanoTime();
        idle.forEach((key, stack) -> {
            for (Environment env : stack) {
                if (env.isStopped()) {
                    stack.remove(env);
                } else if (now - env.lastUsedNanos() > keepAliveNanos && stack.remove(env)) {
                    LOG.debug("environment {} of {} idle past the keep-alive; stopping it", env.id(), key);
                    env.shutdown("spindown");
                }
            }
        });
    }

    private static void forget(Environment env) {
        if (!env.isStopped()) {
            env.shutdown("spindown");
        }
    }

    @Override
    public int size() {
        return live.get();
    }

    @Override
    public void close() {
        closed = true;
        vertx.cancelTimer(reaperTimer);
        idle.values().forEach(this::drain);
        idle.clear();
        provisioned.values().forEach(sets -> sets.forEach(ProvisionedSet::close));
        provisioned.clear();
    }
}
