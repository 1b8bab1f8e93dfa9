package dev.hearth.pool;

import dev.hearth.environment.Environment;
import dev.hearth.environment.EnvironmentSpec;
import dev.hearth.environment.Invocation;
import dev.hearth.environment.InvokeRequest;

import java.util.concurrent.CompletableFuture;

/**
 * An environment that is initialised and idle from the start and never runs anything: what the pool
 * sees of a warm environment, without a runtime behind it. Thread-safe.
 */
final class IdleEnvironment implements Environment {
    private final EnvironmentSpec spec;
    private final long created = System.nanoTime();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    IdleEnvironment(EnvironmentSpec spec) {
        this.spec = spec;
    }

    @Override
    public String id() {
        return "idle-" + System.identityHashCode(this);
    }

    @Override
    public EnvironmentSpec spec() {
        return spec;
    }

    @Override
    public Invocation invoke(InvokeRequest request) {
        throw new UnsupportedOperationException("the pool benchmark leases and releases; it never invokes");
    }

    @Override
    public boolean isIdle() {
        return !stopped.isDone();
    }

    @Override
    public boolean isStopped() {
        return stopped.isDone();
    }

    @Override
    public CompletableFuture<Void> initialized() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    @Override
    public void shutdown(String reason) {
        stopped.complete(null);
    }

    @Override
    public long lastUsedNanos() {
        return created;
    }
}
