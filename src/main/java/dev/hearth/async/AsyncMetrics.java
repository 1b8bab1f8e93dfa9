package dev.hearth.async;

import dev.hearth.metrics.NodeMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * Publishes each function's async queue as {@code hearth_async_queue_depth{function="..."}} and
 * {@code hearth_async_oldest_event_age_seconds{function="..."}}, read from the dispatcher's memory at each
 * scrape (a function whose queue emptied shows 0), and {@code hearth_async_events_total{outcome="..."}}.
 */
public final class AsyncMetrics {
    private AsyncMetrics() {
    }

    public static void bind(NodeMetrics metrics, AsyncInvocations async) {
        MultiGauge depth = MultiGauge.builder("hearth.async.queue.depth")
                .description("Asynchronous events accepted and not yet finished, in flight included")
                .register(metrics.registry());
        MultiGauge age = MultiGauge.builder("hearth.async.oldest.event.age")
                .description("Age of the oldest unfinished asynchronous event")
                .baseUnit("seconds")
                .register(metrics.registry());
        for (String outcome : async.outcomes().keySet()) {
            FunctionCounter.builder("hearth.async.events", async, a -> a.outcomes().getOrDefault(outcome, 0L))
                    .description("Asynchronous events by what became of them: accepted, succeeded, retried,"
                            + " throttled, retries_exhausted, event_age_exceeded")
                    .tag("outcome", outcome)
                    .register(metrics.registry());
        }
        metrics.onScrape(() -> {
            var queues = async.queues();
            depth.register(queues.entrySet().stream().map(e -> MultiGauge.Row.of(Tags.of("function", e.getKey()),
                    e.getValue().depth())).toList(), true);
            age.register(queues.entrySet().stream().map(e -> MultiGauge.Row.of(Tags.of("function", e.getKey()),
                    e.getValue().oldestEventAge().toMillis() / 1000.0)).toList(), true);
        });
    }
}
