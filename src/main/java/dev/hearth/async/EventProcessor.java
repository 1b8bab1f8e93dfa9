package dev.hearth.async;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.core.Arns;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.LambdaException;
import dev.hearth.invoke.InvocationCall;
import dev.hearth.invoke.InvocationResult;
import dev.hearth.invoke.InvocationRouter;
import dev.hearth.invoke.InvocationType;
import dev.hearth.registry.EventInvokeConfig;
import dev.hearth.registry.EventInvokeConfigs;
import dev.hearth.registry.FunctionDirectory;
import dev.hearth.registry.FunctionVersion;
import dev.hearth.store.EventQueueStore;
import dev.hearth.store.EventQueueStore.Head;
import dev.hearth.store.EventQueueStore.LastAttempt;
import dev.hearth.store.EventQueueStore.Leased;
import dev.hearth.store.EventQueueStore.NewEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Takes one queued event one step further, as AWS's asynchronous invocation does: leases it (counting the
 * invocation), discards it when it is older than its maximum age, otherwise runs it through the router
 * as a RequestResponse call. A success goes to the OnSuccess destination; a function error is retried
 * after {@code base × 2^(n-1)} until MaximumRetryAttempts, then goes to the OnFailure destination and the
 * dead-letter queue; a throttle (or a function not yet active) waits with back-off and counts as no
 * attempt. What the event produces is stored in the same transaction that deletes it.
 *
 * <p>Threading: {@link #run} is called on a virtual thread and blocks on the store only; the function's
 * invocation is awaited as a future, and its outcome handled on the blocking executor.
 */
final class EventProcessor implements EventRunner {
    private static final Logger LOG = LoggerFactory.getLogger(EventProcessor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than any function's timeout (900 s): a lease only ends early through a restart. */
    private static final long LEASE_MILLIS = Duration.ofMinutes(16).toMillis();
    private static final long MAX_WAIT_MILLIS = Duration.ofMinutes(5).toMillis();
    /** SQS messages that cannot be sent are retried for as long as AWS keeps events. */
    private static final long MAX_DELIVERY_AGE_MILLIS = Duration.ofHours(6).toMillis();
    private static final int DLQ_MESSAGE_LIMIT = 1024;

    private final EventQueueStore store;
    private final InvocationRouter router;
    private final FunctionDirectory directory;
    private final EventInvokeConfigs configs;
    private final Targets targets;
    private final SqsSender sqs;
    private final Arns arns;
    private final Clock clock;
    private final Executor blocking;
    private final long retryBaseMillis;
    private final long throttleBaseMillis;
    /** Consecutive throttles per event (in memory: after a restart the back-off starts over). */
    private final Map<Long, Integer> throttles = new ConcurrentHashMap<>();
    private final Outcomes outcomes;
    /** Set when the node closes: failures from then on may be the shutdown's doing, and are not recorded. */
    private volatile boolean stopped;

    EventProcessor(EventQueueStore store, InvocationRouter router, FunctionDirectory directory,
                   EventInvokeConfigs configs, Targets targets, SqsSender sqs, Arns arns, Clock clock, Executor blocking,
                   Duration retryBase, Outcomes outcomes) {
        this.store = store;
        this.outcomes = outcomes;
        this.router = router;
        this.directory = directory;
        this.configs = configs;
        this.targets = targets;
        this.sqs = sqs;
        this.arns = arns;
        this.clock = clock;
        this.blocking = blocking;
        this.retryBaseMillis = retryBase.toMillis();
        // Throttles are retried sooner than errors (AWS: "up to 6 hours, with exponential back-off"),
        // starting at a second, or at the retry delay when that is shorter (tests, development).
        this.throttleBaseMillis = Math.max(10, Math.min(1_000, retryBaseMillis));
    }

    @Override
    public CompletableFuture<Completion> run(Head head) {
        return switch (head.kind()) {
            case INVOKE -> invoke(head);
            case SQS -> CompletableFuture.completedFuture(deliver(head));
        };
    }

    private CompletableFuture<Completion> invoke(Head head) {
        long now = clock.millis();
        Optional<Leased> leased = store.lease(head.seq(), now + LEASE_MILLIS, true);
        if (leased.isEmpty()) {
            return CompletableFuture.completedFuture(new Completion.Done(List.of())); // its function was deleted
        }
        Leased event = leased.get();
        String function = event.functionName().orElseThrow();
        EventInvokeConfig config = configs.effective(function, event.qualifier());
        if (now - event.enqueuedMillis() >= config.maximumEventAge().toMillis()) {
            return CompletableFuture.completedFuture(discard(event, event.invokes() - 1, config,
                    DestinationRecord.Condition.EVENT_AGE_EXCEEDED));
        }
        InvocationCall call = new InvocationCall(event.requestId(), function, event.qualifier(),
                InvocationType.REQUEST_RESPONSE, false, event.payload(), Optional.empty(), event.traceId());
        CompletableFuture<InvocationResult> result;
        try {
            result = router.invoke(call);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handleAsync((r, error) -> outcome(event, config, r, error), blocking);
    }

    /**
     * From now on an invocation that fails leaves its event in flight, unrecorded: environments are being
     * stopped, so the failure says nothing about the function, and the next start runs the event again.
     */
    void stop() {
        stopped = true;
    }

    private Completion outcome(Leased event, EventInvokeConfig config, InvocationResult result, Throwable error) {
        if (stopped && (error != null || result.functionError().isPresent())) {
            throw new IllegalStateException("the node is closing; event " + event.requestId() + " stays in flight");
        }
        if (error == null) {
            throttles.remove(event.seq());
            if (result.functionError().isEmpty()) {
                return succeeded(event, config, result);
            }
            return failed(event, config, new LastAttempt(result.payload(), result.functionError().get(),
                    result.executedVersion()));
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof LambdaException le) {
            if (le.code() == ErrorCode.TOO_MANY_REQUESTS || le.code() == ErrorCode.RESOURCE_CONFLICT) {
                return waitForCapacity(event, le);
            }
            if (le.code() == ErrorCode.RESOURCE_NOT_FOUND) {
                LOG.warn("event {}: dropped, its function is gone: {}", event.requestId(), le.getMessage());
                throttles.remove(event.seq());
                return new Completion.Done(store.finish(event.seq(), List.of()));
            }
        }
        throttles.remove(event.seq());
        LOG.warn("event {}: the invocation of {} failed in the platform: {}", event.requestId(),
                event.functionName().orElseThrow(), cause.toString());
        return failed(event, config, new LastAttempt(platformError(cause), "Unhandled", FunctionVersion.LATEST));
    }

    private Completion succeeded(Leased event, EventInvokeConfig config, InvocationResult result) {
        List<NewEvent> produced = new ArrayList<>();
        config.onSuccess().ifPresent(arn -> targets.resolve(arn, record(event, event.invokes(),
                        DestinationRecord.Condition.SUCCESS, Optional.of(new DestinationRecord.Response(result.status(),
                                result.executedVersion(), Optional.empty(), result.payload()))), Map.of(), event.requestId())
                .ifPresent(produced::add));
        List<Head> heads = store.finish(event.seq(), produced);
        outcomes.count(Outcomes.Outcome.SUCCEEDED);
        return new Completion.Done(heads);
    }

    private Completion failed(Leased event, EventInvokeConfig config, LastAttempt attempt) {
        int failures = event.failures() + 1;
        if (failures > config.retries()) {
            Leased withLast = new Leased(event.seq(), event.requestId(), event.kind(), event.functionName(),
                    event.qualifier(), event.target(), event.payload(), event.attributesJson(), event.enqueuedMillis(),
                    event.invokes(), failures, Optional.of(attempt), event.traceId());
            return discard(withLast, event.invokes(), config, DestinationRecord.Condition.RETRIES_EXHAUSTED);
        }
        long due = clock.millis() + (retryBaseMillis << (failures - 1));
        store.retryLater(event.seq(), due, event.invokes(), failures, Optional.of(attempt));
        outcomes.count(Outcomes.Outcome.RETRIED);
        return new Completion.Again(due);
    }

    private Completion waitForCapacity(Leased event, LambdaException reason) {
        int n = throttles.merge(event.seq(), 1, Integer::sum);
        long delay = Math.min(MAX_WAIT_MILLIS, throttleBaseMillis << Math.min(20, n - 1));
        long due = clock.millis() + delay;
        LOG.debug("event {}: {} ({}); next try in {} ms", event.requestId(), reason.code().awsName(),
                reason.getMessage(), delay);
        // The invocation did not happen: it is not counted, neither as an invoke nor as a failed attempt.
        store.retryLater(event.seq(), due, event.invokes() - 1, event.failures(), event.last());
        outcomes.count(Outcomes.Outcome.THROTTLED);
        return new Completion.Again(due);
    }

    /** The event failed for good: to the OnFailure destination and the dead-letter queue, then gone. */
    private Completion discard(Leased event, int invokeCount, EventInvokeConfig config,
                               DestinationRecord.Condition condition) {
        throttles.remove(event.seq());
        List<NewEvent> produced = new ArrayList<>();
        Optional<DestinationRecord.Response> response = event.last().map(l -> new DestinationRecord.Response(200,
                l.executedVersion(), Optional.of(l.functionError()), l.response()));
        config.onFailure().ifPresent(arn -> targets.resolve(arn, record(event, invokeCount, condition, response),
                Map.of(), event.requestId()).ifPresent(produced::add));
        deadLetterTarget(event).ifPresent(arn -> targets.resolve(arn, event.payload(), deadLetterAttributes(event,
                condition), event.requestId()).ifPresent(produced::add));
        LOG.info("event {} of {}: {} after {} invocation(s)", event.requestId(), event.functionName().orElseThrow(),
                condition.awsName, invokeCount);
        List<Head> heads = store.finish(event.seq(), produced);
        outcomes.count(condition == DestinationRecord.Condition.EVENT_AGE_EXCEEDED
                ? Outcomes.Outcome.EVENT_AGE_EXCEEDED : Outcomes.Outcome.RETRIES_EXHAUSTED);
        return new Completion.Done(heads);
    }

    private Optional<String> deadLetterTarget(Leased event) {
        try {
            return directory.resolve(event.functionName().orElseThrow(), event.qualifier()).version().config()
                    .deadLetterTargetArn().filter(arn -> !arn.isEmpty());
        } catch (LambdaException gone) {
            return Optional.empty();
        }
    }

    /** AWS's dead-letter message attributes: the request id, the status code and the error message. */
    private static Map<String, String> deadLetterAttributes(Leased event, DestinationRecord.Condition condition) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("RequestID", event.requestId());
        attributes.put("ErrorCode", event.last().isPresent() ? "200" : condition.awsName);
        String message = event.last().flatMap(l -> DestinationRecord.errorMessage(l.response()))
                .orElse(condition == DestinationRecord.Condition.EVENT_AGE_EXCEEDED
                        ? "The event was older than the maximum event age" : condition.awsName);
        attributes.put("ErrorMessage", message.length() > DLQ_MESSAGE_LIMIT ? message.substring(0, DLQ_MESSAGE_LIMIT)
                : message);
        return attributes;
    }

    private byte[] record(Leased event, int invokeCount, DestinationRecord.Condition condition,
                          Optional<DestinationRecord.Response> response) {
        String function = event.functionName().orElseThrow();
        String arn = arns.function(function, event.qualifier().orElse(FunctionVersion.LATEST));
        return DestinationRecord.of(Instant.ofEpochMilli(clock.millis()), event.requestId(), arn, condition,
                invokeCount, event.payload(), response);
    }

    private static byte[] platformError(Throwable cause) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("errorMessage", String.valueOf(cause.getMessage()));
        body.put("errorType", cause instanceof LambdaException le ? le.code().awsName() : "ServiceException");
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("a string map always serialises", e);
        }
    }

    /** Sends one queued SQS message (a destination record or a dead-letter message). */
    private Completion deliver(Head head) {
        long now = clock.millis();
        Optional<Leased> leased = store.lease(head.seq(), now + LEASE_MILLIS, false);
        if (leased.isEmpty()) {
            return new Completion.Done(List.of());
        }
        Leased message = leased.get();
        String target = message.target().orElseThrow();
        try {
            sqs.send(target, new String(message.payload(), StandardCharsets.UTF_8), attributes(message));
            return new Completion.Done(store.finish(message.seq(), List.of()));
        } catch (RuntimeException e) {
            int failures = message.failures() + 1;
            if (now - message.enqueuedMillis() > MAX_DELIVERY_AGE_MILLIS) {
                LOG.error("event {}: giving up sending to {} after {} tries: {}", message.requestId(), target,
                        failures, e.toString());
                return new Completion.Done(store.finish(message.seq(), List.of()));
            }
            long delay = Math.min(MAX_WAIT_MILLIS, Math.max(100, retryBaseMillis) << Math.min(20, failures - 1));
            LOG.warn("event {}: cannot send to {} (try {}), trying again in {} ms: {}", message.requestId(), target,
                    failures, delay, e.toString());
            store.retryLater(message.seq(), now + delay, message.invokes(), failures, Optional.empty());
            return new Completion.Again(now + delay);
        }
    }

    private static Map<String, String> attributes(Leased message) {
        if (message.attributesJson().isEmpty()) {
            return Map.of();
        }
        try {
            return JSON.readValue(message.attributesJson().get(), new TypeReference<LinkedHashMap<String, String>>() {
            });
        } catch (IOException e) {
            throw new IllegalStateException("stored attributes are JSON we wrote", e);
        }
    }
}
