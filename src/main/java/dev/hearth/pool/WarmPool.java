package dev.hearth.pool;

import dev.hearth.environment.Environment;
import dev.hearth.environment.EnvironmentFactory;
import dev.hearth.environment.EnvironmentSpec;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@link EnvironmentPool} with a lock-free idle stack per key. A lease pops idle environments until it
 * finds a live one; a release pushes the environment back unless it stopped or its configuration was
 * retired meanwhile. One periodic timer reaps environments idle longer than the keep-alive.
 *
 * <p>Threading: lease/release are called from event loops and must not block; they only touch
 * concurrent collections. Starting an environment's preparation runs on the blocking executor.
 */
final class WarmPool implements EnvironmentPool {
    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

    private final EnvironmentFactory factory;
    private final Executor blocking;
    private final long keepAliveNanos;
    private final Vertx vertx;
    private final long reaperTimer;
    private final Map<PoolKey, Deque<Environment>> idle = new ConcurrentHashMap<>();
    /** Environments that answered their caller and are about to be idle, claimable by a lease. */
    private final Map<PoolKey, Deque<Finishing>> finishing = new ConcurrentHashMap<>();
    /** The newest key per function version: releases of older keys shut their environment down. */
    private final Map<PoolKey.Slot, PoolKey> currentKeys = new ConcurrentHashMap<>();
    private final AtomicInteger live = new AtomicInteger();
    private volatile boolean closed;

    WarmPool(EnvironmentFactory factory, Executor blocking, Duration keepAlive, Vertx vertx) {
        this.factory = factory;
        this.blocking = blocking;
        this.keepAliveNanos = keepAlive.toNanos();
        this.vertx = vertx;
        long period = Math.max(1_000, Math.min(60_000, keepAlive.toMillis() / 4));
        this.reaperTimer = vertx.setPeriodic(period, id -> reap());
    }

    @Override
    public CompletableFuture<Lease> lease(PoolKey key, Supplier<EnvironmentSpec> spec) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the pool is closed"));
        }
        currentKeys.merge(key.slot(), key, (old, now) -> now);
        Deque<Environment> stack = idle.get(key);
        if (stack != null) {
            Environment env;
            while ((env = stack.pollFirst()) != null) {
                if (!env.isStopped() && env.isIdle()) {
                    return CompletableFuture.completedFuture(new Lease(key, env, false));
                }
                forget(env);
            }
        }
        Deque<Finishing> almostIdle = finishing.get(key);
        Finishing claimed = almostIdle == null ? null : almostIdle.pollFirst();
        if (claimed != null) {
            return claimed.done().thenCompose(reusable -> reusable && !claimed.environment().isStopped()
                    ? CompletableFuture.completedFuture(new Lease(key, claimed.environment(), false))
                    : startNew(key, spec));
        }
        return startNew(key, spec);
    }

    private CompletableFuture<Lease> startNew(PoolKey key, Supplier<EnvironmentSpec> spec) {
        return CompletableFuture.supplyAsync(() -> {
            Environment env = factory.start(spec.get());
            live.incrementAndGet();
            env.stopped().whenComplete((v, e) -> live.decrementAndGet());
            return new Lease(key, env, true);
        }, blocking);
    }

    /** An environment between answering its caller and being idle again. */
    private record Finishing(Environment environment, CompletableFuture<Boolean> done) {
    }

    @Override
    public void releaseWhenFinished(Lease lease, CompletableFuture<Boolean> finished) {
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
    public void release(Lease lease) {
        Environment env = lease.environment();
        if (env.isStopped()) {
            return;
        }
        PoolKey current = currentKeys.get(lease.key().slot());
        if (closed || !lease.key().equals(current)) {
            env.shutdown("spindown");
            return;
        }
        idle.computeIfAbsent(lease.key(), k -> new ConcurrentLinkedDeque<>()).offerFirst(env);
    }

    @Override
    public void retire(String functionName, String version, Optional<PoolKey> current) {
        PoolKey.Slot slot = new PoolKey.Slot(functionName, version);
        if (current.isPresent()) {
            currentKeys.put(slot, current.get());
        } else {
            currentKeys.remove(slot);
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
    }
}
