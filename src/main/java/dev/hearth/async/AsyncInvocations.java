package dev.hearth.async;

import dev.hearth.config.AsyncConfig;
import dev.hearth.core.Arns;
import dev.hearth.core.Ids;
import dev.hearth.invoke.InvocationCall;
import dev.hearth.invoke.InvocationRouter;
import dev.hearth.registry.EventInvokeConfigs;
import dev.hearth.registry.FunctionDirectory;
import dev.hearth.store.EventQueueStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Asynchronous invocation: accepts {@code Event} invocations into the durable queue and runs them (see
 * the package documentation). Thread-safe.
 */
public interface AsyncInvocations extends AutoCloseable {

    /** How many queued events run at once, across all functions. */
    int DEFAULT_MAX_IN_FLIGHT = 64;

    /** The queue of one function as the metrics show it. */
    record QueueDepth(int depth, Duration oldestEventAge) {
    }

    /**
     * Validates an {@code Event} invocation at once — the function and qualifier exist, the payload is JSON
     * within the limit — throwing AWS's errors (nothing is stored then); the future completes once the event
     * is durably stored, with the request id the function will see. Runs on the caller's thread (an event
     * loop) up to the store write, which goes to the blocking executor.
     */
    CompletableFuture<String> accept(InvocationCall call);

    /** Recovers the queue (events in flight at a crash become ready) and starts dispatching. Blocking. */
    void start();

    /** Depth and oldest event age of each function's queue. */
    Map<String, QueueDepth> queues();

    /**
     * How many events were accepted, succeeded, retried, throttled, and discarded (retries exhausted, event
     * age exceeded) since the node started, by outcome label.
     */
    Map<String, Long> outcomes();

    /** Stops dispatching; events in flight stay leased and run again after the next start. */
    @Override
    void close();

    static AsyncInvocations create(EventQueueStore store, InvocationRouter router, FunctionDirectory directory,
                                   EventInvokeConfigs configs, Arns arns, Ids ids, Clock clock, Executor blocking,
                                   AsyncConfig config) {
        boolean sqs = !config.sqsEndpoint().isEmpty();
        SqsSender sender = sqs ? SqsSender.forEndpoint(config.sqsEndpoint()) : new NoSqs();
        return create(store, router, directory, configs, arns, ids, clock, blocking, config, sender,
                DEFAULT_MAX_IN_FLIGHT);
    }

    /** With an explicit SQS sender and in-flight bound (tests). */
    static AsyncInvocations create(EventQueueStore store, InvocationRouter router, FunctionDirectory directory,
                                   EventInvokeConfigs configs, Arns arns, Ids ids, Clock clock, Executor blocking,
                                   AsyncConfig config, SqsSender sqs, int maxInFlight) {
        Targets targets = new Targets(directory, arns, ids, clock, !config.sqsEndpoint().isEmpty());
        Outcomes outcomes = new Outcomes();
        EventProcessor processor = new EventProcessor(store, router, directory, configs, targets, sqs, arns, clock,
                blocking, config.retryBaseDelay(), outcomes);
        return new DurableAsyncInvocations(store, directory, new Dispatcher(processor, blocking, clock, maxInFlight),
                processor::stop, clock, blocking, sqs, outcomes);
    }
}
