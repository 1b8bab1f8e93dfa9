package dev.hearth.pool;

import dev.hearth.environment.EnvironmentFactory;
import dev.hearth.environment.EnvironmentSpec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Environments per {@link PoolKey}: lease, release, retire, reap; provisioned sets; a node-wide memory
 * budget and a per-function scaling rate for new environments. Thread-safe; {@link #lease} never blocks
 * the caller (a cold start's blocking preparation runs on the executor).
 */
public interface EnvironmentPool extends AutoCloseable {

    /**
     * Leases an idle environment of {@code key}, or starts a new one from the spec the supplier builds
     * (called on the executor: it may block, e.g. to unpack code). Idle environments are reused most
     * recently used first, which keeps the warmest caches in use and lets the rest age out.
     *
     * <p>A new environment counts {@code memoryMb} (the function's MemorySize) against the memory budget
     * and takes one of the function's scaling-rate budget; when either is exhausted the future fails with
     * a {@link dev.hearth.core.LambdaException} 429 {@code TooManyRequestsException}.
     */
    CompletableFuture<Lease> lease(PoolKey key, int memoryMb, Supplier<EnvironmentSpec> spec);

    /** An idle environment of one of {@code key}'s provisioned sets, if one is free now. Non-blocking. */
    java.util.Optional<Lease> leaseProvisioned(PoolKey key);

    /**
     * A provisioned environment of {@code key} that has answered its caller but whose runtime has not asked
     * for its next event yet, claimed for the next invoke instead of spilling that invoke over to an
     * on-demand cold start (as {@link #lease} claims a finishing on-demand one). The future completes once
     * the environment is idle: with its lease, or empty when it cannot be reused (then it is shut down).
     * Empty when none is finishing. Non-blocking.
     */
    default java.util.Optional<CompletableFuture<java.util.Optional<Lease>>> claimFinishingProvisioned(PoolKey key) {
        return java.util.Optional.empty();
    }

    /**
     * Starts and keeps {@code count} environments for {@code key} (a provisioned concurrency
     * configuration), reporting their progress to {@code progress} (from any thread), until the returned
     * handle is closed. They count against the memory budget but not the scaling rate.
     */
    Provisioned provision(PoolKey key, int memoryMb, int count, Supplier<EnvironmentSpec> spec,
                          java.util.function.Consumer<ProvisionedProgress> progress);

    /** A provisioned set; closing it stops its environments (busy ones once their invocation is over). */
    interface Provisioned extends AutoCloseable {
        ProvisionedProgress progress();

        @Override
        void close();
    }

    /** MemorySize of the environments now live or starting, as counted against the budget. */
    long memoryInUseMb();

    /**
     * Counts memory held outside the pool's environments (SnapStart templates, one MemorySize each) in the
     * budget: positive when taken, negative when given back. Not admission-checked: it only leaves less
     * room for new environments.
     */
    default void holdMemory(long deltaMb) {
    }

    /** Returns a leased environment whose invocation is over; a stopped one is dropped. */
    void release(Lease lease);

    /**
     * Returns a leased environment that has answered its caller but is still finishing (its runtime
     * has not yet asked for the next event). Until {@code finished} completes, a lease that finds no
     * idle environment claims this one and gets it as soon as it is idle, instead of starting a new
     * environment: a caller that invokes again the moment it has its answer then finds its warm
     * environment rather than causing a cold start. {@code finished} completes with whether the
     * environment can be used again.
     */
    void releaseWhenFinished(Lease lease, CompletableFuture<Boolean> finished);

    /**
     * Shuts down the idle environments of one version of a function whose key is not {@code current}
     * (empty: the version is gone). Other versions' environments are not disturbed.
     */
    void retire(String functionName, String version, java.util.Optional<PoolKey> current);

    /** Idle plus busy environments, for metrics and tests. */
    int size();

    @Override
    void close();

    /** A pool with the default memory budget and scaling rate. */
    static EnvironmentPool create(EnvironmentFactory factory, Executor blocking, Duration keepAlive,
                                  io.vertx.core.Vertx vertx) {
        dev.hearth.config.ConcurrencyConfig defaults = dev.hearth.config.ConcurrencyConfig.defaults();
        return create(factory, blocking, keepAlive, vertx, defaults.memoryBudgetMb(), defaults.scaleUpPerTenSeconds());
    }

    /**
     * @param memoryBudgetMb       the MemorySize all environments together may take
     * @param scaleUpPerTenSeconds new on-demand environments a function may start per 10 seconds
     */
    static EnvironmentPool create(EnvironmentFactory factory, Executor blocking, Duration keepAlive,
                                  io.vertx.core.Vertx vertx, long memoryBudgetMb, int scaleUpPerTenSeconds) {
        return new WarmPool(factory, blocking, keepAlive, vertx, memoryBudgetMb, scaleUpPerTenSeconds);
    }
}
