package dev.hearth.environment;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One invocation handed to a {@link RuntimeEnvironment}: the caller's two futures plus the timing the
 * REPORT line needs.
 *
 * <p>Threading: the futures are completed on the environment's context, so their dependent stages run
 * on that event loop unless the caller asks for another executor. The mutable fields are confined to the
 * environment's context.
 */
final class InvocationRecord implements Invocation {
    final InvokeRequest request;
    final long acceptedNanos;
    private final CompletableFuture<InvokeOutcome> outcome = new CompletableFuture<>();
    private final CompletableFuture<InvokeReport> report = new CompletableFuture<>();

    /** Whether the event went out on a {@code /next}. */
    boolean delivered;
    /** When the runtime got the event (or, if it never did, when the invocation was accepted). */
    long startNanos;
    /** When the result arrived or the platform gave up; 0 while neither has happened. */
    long resultNanos;
    /** Set when the platform ended the invocation; REPORT then carries its status. */
    Fault fault;
    /** When the platform ended it, for the timestamp of the timeout line. */
    Instant faultAt;

    InvocationRecord(InvokeRequest request, long acceptedNanos) {
        this.request = request;
        this.acceptedNanos = acceptedNanos;
        this.startNanos = acceptedNanos;
    }

    String requestId() {
        return request.requestId();
    }

    @Override
    public CompletableFuture<InvokeOutcome> outcome() {
        return outcome;
    }

    @Override
    public CompletableFuture<InvokeReport> report() {
        return report;
    }
}
