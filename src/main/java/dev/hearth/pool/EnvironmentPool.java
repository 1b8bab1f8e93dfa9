package dev.hearth.pool;

import dev.hearth.environment.EnvironmentFactory;
import dev.hearth.environment.EnvironmentSpec;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Environments per {@link PoolKey}: lease, release, retire, reap. Thread-safe; {@link #lease} never
 * blocks the caller (a cold start's blocking preparation runs on the executor).
 */
public interface EnvironmentPool extends AutoCloseable {

    /**
     * Leases an idle environment of {@code key}, or starts a new one from the spec the supplier builds
     * (called on the executor: it may block, e.g. to unpack code). Idle environments are reused most
     * recently used first, which keeps the warmest caches in use and lets the rest age out.
     */
    CompletableFuture<Lease> lease(PoolKey key, Supplier<EnvironmentSpec> spec);

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

    static EnvironmentPool create(EnvironmentFactory factory, Executor blocking, Duration keepAlive,
                                  io.vertx.core.Vertx vertx) {
        return new WarmPool(factory, blocking, keepAlive, vertx);
    }
}
