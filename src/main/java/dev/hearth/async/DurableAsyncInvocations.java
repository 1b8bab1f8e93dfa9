package dev.hearth.async;

import dev.hearth.invoke.InvocationCall;
import dev.hearth.registry.FunctionDirectory;
import dev.hearth.registry.Qualified;
import dev.hearth.store.EventQueueStore;
import dev.hearth.store.EventQueueStore.Kind;
import dev.hearth.store.EventQueueStore.NewEvent;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@link AsyncInvocations} over the durable queue: validation on the caller's event loop (memory only),
 * one fsync'd transaction per accepted event on a virtual thread, then the dispatcher is told.
 */
final class DurableAsyncInvocations implements AsyncInvocations {

    private final EventQueueStore store;
    private final FunctionDirectory directory;
    private final Dispatcher dispatcher;
    private final Clock clock;
    private final Executor blocking;
    private final SqsSender sqs;
    private final Outcomes outcomes;
    private final Runnable stopProcessing;

    DurableAsyncInvocations(EventQueueStore store, FunctionDirectory directory, Dispatcher dispatcher,
                            Runnable stopProcessing, Clock clock, Executor blocking, SqsSender sqs,
                            Outcomes outcomes) {
        this.stopProcessing = stopProcessing;
        this.outcomes = outcomes;
        this.store = store;
        this.directory = directory;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.blocking = blocking;
        this.sqs = sqs;
    }

    @Override
    public CompletableFuture<String> accept(InvocationCall call) {
        Qualified target = directory.target(call.functionName(), call.qualifier());
        byte[] payload = EventPayload.checked(call.payload());
        NewEvent event = NewEvent.invoke(call.requestId(), target.functionName(),
                target.qualifier().filter(q -> !q.isEmpty()), payload, clock.millis(), call.traceId());
        return CompletableFuture.supplyAsync(() -> store.add(event), blocking).thenApply(head -> {
            outcomes.count(Outcomes.Outcome.ACCEPTED);
            dispatcher.added(head);
            return call.requestId();
        });
    }

    @Override
    public void start() {
        dispatcher.start(store.recover());
    }

    @Override
    public Map<String, QueueDepth> queues() {
        long now = clock.millis();
        Map<String, QueueDepth> out = new LinkedHashMap<>();
        dispatcher.stats().forEach((queue, stats) -> {
            if (stats.kind() == Kind.INVOKE) {
                out.put(queue, new QueueDepth(stats.depth(), stats.depth() == 0 ? Duration.ZERO
                        : Duration.ofMillis(Math.max(0, now - stats.oldestEnqueuedMillis()))));
            }
        });
        return out;
    }

    @Override
    public Map<String, Long> outcomes() {
        return outcomes.snapshot();
    }

    @Override
    public void close() {
        stopProcessing.run();
        dispatcher.close();
        sqs.close();
    }
}
