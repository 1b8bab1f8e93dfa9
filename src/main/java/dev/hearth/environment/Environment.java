package dev.hearth.environment;

import java.util.concurrent.CompletableFuture;

/**
 * One execution environment: a sandboxed runtime process plus its own Runtime API endpoint, driven by
 * a lifecycle state machine (starting → initialising → idle ⇄ invoking → stopped). One invocation at a
 * time. The pull model: the runtime parked on {@code GET /next} is idle; {@link #invoke} hands it the
 * event.
 *
 * <p>Thread-safe: every method may be called from any thread; state changes happen on the
 * environment's own event-loop context.
 */
public interface Environment {

    String id();

    EnvironmentSpec spec();

    /**
     * Hands an invocation to this environment. Allowed when the environment is initialising (a cold
     * start: the event is delivered on the runtime's first {@code /next}) or idle; otherwise throws
     * {@link IllegalStateException}. An environment whose init failed ({@link #isStopped} is then true)
     * still accepts invocations and fails each at once with the init error, so that a cold start racing
     * the failure sees the error, not an exception.
     */
    Invocation invoke(InvokeRequest request);

    /** True when no invocation is in flight and the runtime is alive. */
    boolean isIdle();

    /** True once the environment can no longer be used (stopped, crashed, timed out, init failed). */
    boolean isStopped();

    /**
     * Completes once the runtime has finished init (its first {@code /next}); completes exceptionally
     * if init fails or the environment stops first. Used to pre-warm environments.
     */
    CompletableFuture<Void> initialized();

    /** Completes when the environment has stopped and its sandbox is gone. */
    CompletableFuture<Void> stopped();

    /** Stops the environment (kills its sandbox, closes its endpoint). Idempotent. */
    void shutdown(String reason);

    /** Nanos (System.nanoTime) when this environment last finished an invocation or was created. */
    long lastUsedNanos();
}
