package dev.hearth.environment;

import java.util.concurrent.CompletableFuture;

/**
 * An invocation in flight in one environment. {@link #outcome()} completes as soon as the runtime posts
 * its result (or the platform fails the invocation); {@link #report()} completes once the invocation is
 * over — the runtime is back on {@code /next} (or the environment is gone) — with the REPORT figures and
 * the log tail. Neither completes exceptionally.
 */
public interface Invocation {

    CompletableFuture<InvokeOutcome> outcome();

    CompletableFuture<InvokeReport> report();
}
