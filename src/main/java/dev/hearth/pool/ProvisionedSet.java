package dev.hearth.pool;

import dev.hearth.environment.Environment;
import dev.hearth.environment.EnvironmentSpec;

import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The environments of one provisioned concurrency configuration: started up front, kept for as long as
 * the set is open (the pool's keep-alive reaper never sees them), re-created when one stops, leased
 * before any on-demand environment of their key. The set gives up (failure reported, nothing re-created)
 * when an environment's init fails or the memory budget has no room for it.
 *
 * <p>Thread-safe and non-blocking: environments are started through the pool (on its blocking executor);
 * the callbacks only touch concurrent collections.
 */
final class ProvisionedSet implements EnvironmentPool.Provisioned {

    /** AWS's StatusReason when a provisioned environment's init fails. */
    static final String INIT_FAILURE = "FUNCTION_ERROR_INIT_FAILURE";

    /** How the set starts an environment: with memory admission, no scaling-rate limit. */
    interface Starter {
        CompletableFuture<Environment> start(PoolKey key, int memoryMb, Supplier<EnvironmentSpec> spec);
    }

    private final PoolKey key;
    private final int requested;
    private final int memoryMb;
    private final Supplier<EnvironmentSpec> spec;
    private final Consumer<ProvisionedProgress> listener;
    private final Starter starter;
    private final Set<Environment> members = ConcurrentHashMap.newKeySet();
    private final Set<Environment> initialised = ConcurrentHashMap.newKeySet();
    private final Deque<Environment> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger starting = new AtomicInteger();
    private volatile boolean closed;
    private volatile Optional<String> failure = Optional.empty();

    ProvisionedSet(PoolKey key, int requested, int memoryMb, Supplier<EnvironmentSpec> spec,
                   Consumer<ProvisionedProgress> listener, Starter starter) {
        this.key = key;
        this.requested = requested;
        this.memoryMb = memoryMb;
        this.spec = spec;
        this.listener = listener;
        this.starter = starter;
    }

    PoolKey key() {
        return key;
    }

    /** Starts environments until the set has as many as requested (or is closed or failed). */
    void fill() {
        report();
        while (!closed && failure.isEmpty()) {
            int pending = starting.get();
            if (members.size() + pending >= requested) {
                return;
            }
            if (starting.compareAndSet(pending, pending + 1)) {
                startOne();
            }
        }
    }

    private void startOne() {
        starter.start(key, memoryMb, spec).whenComplete((env, error) -> {
            if (error != null) {
                starting.decrementAndGet();
                fail(messageOf(error));
                return;
            }
            members.add(env);
            starting.decrementAndGet();
            env.stopped().whenComplete((v, e) -> {
                members.remove(env);
                initialised.remove(env);
                idle.remove(env);
                if (!closed) {
                    fill();
                }
            });
            env.initialized().whenComplete((v, initError) -> {
                if (initError != null || env.isStopped()) {
                    fail(INIT_FAILURE);
                    env.shutdown("failure");
                    return;
                }
                initialised.add(env);
                if (closed) {
                    env.shutdown("spindown");
                } else {
                    idle.offerFirst(env);
                }
                report();
            });
            report();
        });
    }

    /** An idle, initialised environment of the set, if one is free. Non-blocking. */
    Optional<Environment> lease() {
        Environment env;
        while ((env = idle.pollFirst()) != null) {
            if (!env.isStopped() && env.isIdle()) {
                return Optional.of(env);
            }
        }
        return Optional.empty();
    }

    /** Takes back an environment the set leased out; false if it is not one of the set's. */
    boolean giveBack(Environment env) {
        if (!members.contains(env)) {
            return false;
        }
        if (closed) {
            env.shutdown("spindown");
        } else if (!env.isStopped()) {
            idle.offerFirst(env);
        }
        return true;
    }

    @Override
    public ProvisionedProgress progress() {
        return new ProvisionedProgress(requested, members.size(), initialised.size(), failure);
    }

    private void fail(String reason) {
        if (failure.isEmpty()) {
            failure = Optional.of(reason);
        }
        report();
    }

    private void report() {
        if (!closed) {
            listener.accept(progress());
        }
    }

    private static String messageOf(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return String.valueOf(cause.getMessage());
    }

    /** Stops every environment of the set: idle ones now, busy ones when they come back. */
    @Override
    public void close() {
        closed = true;
        Environment env;
        while ((env = idle.pollFirst()) != null) {
            env.shutdown("spindown");
        }
        for (Environment member : members) {
            if (member.isIdle() || !initialised.contains(member)) {
                member.shutdown("spindown");
            }
        }
    }
}
