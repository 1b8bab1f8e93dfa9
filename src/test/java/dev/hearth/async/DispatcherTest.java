package dev.hearth.async;

import dev.hearth.config.AsyncConfig;
import dev.hearth.core.Arns;
import dev.hearth.core.ErrorCode;
import dev.hearth.core.Ids;
import dev.hearth.core.LambdaException;
import dev.hearth.invoke.InvocationCall;
import dev.hearth.invoke.InvocationResult;
import dev.hearth.invoke.InvocationRouter;
import dev.hearth.registry.EventInvokeConfig;
import dev.hearth.registry.EventInvokeConfigs;
import dev.hearth.registry.EventInvokeSettings;
import dev.hearth.registry.FunctionDirectory;
import dev.hearth.store.Database;
import dev.hearth.store.EventQueueStore;
import dev.hearth.store.EventQueueStore.Head;
import dev.hearth.store.EventQueueStore.Kind;
import dev.hearth.store.EventQueueStore.NewEvent;
import dev.hearth.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dispatcher and the event processor against a fake router and a real SQLite queue: bounded and fair
 * dispatch, throttles that wait without counting as attempts, retries of function errors, recovery.
 */
class DispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
        threads.close();
    }

    // ---- the dispatcher alone ------------------------------------------------------------------------

    @Test
    void dispatch_runsAtMostMaxInFlight_andTakesTurnsAcrossFunctions() {
        List<String> started = Collections.synchronizedList(new ArrayList<>());
        Map<String, CompletableFuture<Completion>> running = new ConcurrentHashMap<>();
        Dispatcher dispatcher = own(new Dispatcher(head -> {
            CompletableFuture<Completion> f = new CompletableFuture<>();
            running.put(head.queue() + head.seq(), f);
            started.add(head.queue() + head.seq());
            return f;
        }, threads, Clock.systemUTC(), 2));
        List<Head> queued = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            queued.add(new Head(i, Kind.INVOKE, "flood", 0, 0));
        }
        queued.add(new Head(5, Kind.INVOKE, "other", 0, 0));

        dispatcher.start(queued);

        await().atMost(WAIT).until(() -> started.size() == 2);
        assertThat(started).containsExactlyInAnyOrder("flood1", "other5");
        running.get("flood1").complete(new Completion.Done(List.of()));
        await().atMost(WAIT).until(() -> started.size() == 3);
        assertThat(started.get(2)).isEqualTo("flood2");
        assertThat(running).hasSize(3); // flood1 done, other5 and flood2 running: never more than two
        assertThat(dispatcher.stats().get("flood").depth()).isEqualTo(3);
    }

    @Test
    void dispatch_wakesForANewEvent_andForADueRetry_withoutPolling() {
        List<Long> started = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger runs = new AtomicInteger();
        Dispatcher dispatcher = own(new Dispatcher(head -> {
            started.add(head.seq());
            boolean first = runs.incrementAndGet() == 1;
            return CompletableFuture.completedFuture(first
                    ? new Completion.Again(System.currentTimeMillis() + 150) : new Completion.Done(List.of()));
        }, threads, Clock.systemUTC(), 4));
        dispatcher.start(List.of());

        dispatcher.added(new Head(7, Kind.INVOKE, "f", 0, 0));

        await().atMost(WAIT).until(() -> started.size() == 2);
        assertThat(started).containsExactly(7L, 7L);
        await().atMost(WAIT).until(() -> dispatcher.stats().get("f").depth() == 0);
    }

    // ---- the processor through AsyncInvocations -----------------------------------------------------

    @Test
    void throttledEvent_waitsAndRunsLater_withoutCountingAsAnAttempt() {
        // MaximumRetryAttempts 0: had a throttle counted as an attempt, the event would be discarded at once.
        FakeRouter router = new FakeRouter(n -> n <= 3 ? throttle() : ok());
        Fixture f = fixture(router, 0);
        Head head = f.store.add(event("f", "req-1"));
        f.async.start();

        await().atMost(WAIT).until(() -> f.async.outcomes().get("succeeded") == 1);
        assertThat(router.calls).extracting(InvocationCall::requestId).containsExactly("req-1", "req-1", "req-1",
                "req-1");
        assertThat(f.async.outcomes()).containsEntry("throttled", 3L).containsEntry("retries_exhausted", 0L);
        assertThat(f.store.lease(head.seq(), 0, false)).isEmpty(); // finished: the row is gone
    }

    @Test
    void functionError_isRetriedUpToMaximumRetryAttempts_thenDiscarded() {
        FakeRouter router = new FakeRouter(n -> functionError());
        Fixture f = fixture(router, 2);
        f.store.add(event("f", "req-2"));
        f.async.start();

        await().atMost(WAIT).until(() -> f.async.outcomes().get("retries_exhausted") == 1);
        assertThat(router.calls).hasSize(3);
        assertThat(f.async.outcomes()).containsEntry("retried", 2L).containsEntry("succeeded", 0L);
        assertThat(f.async.queues().get("f").depth()).isZero();
    }

    @Test
    void functionError_thenSuccess_stopsRetrying() {
        FakeRouter router = new FakeRouter(n -> n == 1 ? functionError() : ok());
        Fixture f = fixture(router, 2);
        f.store.add(event("f", "req-3"));
        f.async.start();

        await().atMost(WAIT).until(() -> f.async.outcomes().get("succeeded") == 1);
        assertThat(router.calls).hasSize(2);
        assertThat(f.async.outcomes()).containsEntry("retried", 1L);
    }

    @Test
    void recover_makesEventsThatWereInFlightReadyAgain() {
        Fixture f = fixture(new FakeRouter(n -> ok()), 2);
        Head head = f.store.add(event("f", "req-4"));
        assertThat(f.store.lease(head.seq(), Long.MAX_VALUE, true)).isPresent();

        List<Head> recovered = f.store.recover();

        assertThat(recovered).extracting(Head::seq).containsExactly(head.seq());
        assertThat(f.store.lease(head.seq(), 0, true)).get()
                .extracting(EventQueueStore.Leased::invokes).isEqualTo(2); // the interrupted attempt counts
    }

    // ---- fixtures ------------------------------------------------------------------------------------

    private record Fixture(EventQueueStore store, AsyncInvocations async) {
    }

    private Fixture fixture(InvocationRouter router, int retries) {
        Database db = own(Database.open(tmp.resolve("hearth.db")));
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO functions (name, created_ms) VALUES ('f', 0)")) {
                return s.executeUpdate();
            }
        });
        EventQueueStore store = Stores.eventQueue(db);
        AsyncConfig config = AsyncConfig.defaults().withRetryBaseDelay(Duration.ofMillis(20));
        AsyncInvocations async = own(AsyncInvocations.create(store, router, noDirectory(), configs(retries),
                new Arns("us-east-1", "000000000000"), Ids.random(), Clock.systemUTC(), threads, config, new NoSqs(), 4));
        return new Fixture(store, async);
    }

    private static NewEvent event(String function, String requestId) {
        return NewEvent.invoke(requestId, function, Optional.empty(), "{}".getBytes(StandardCharsets.UTF_8),
                System.currentTimeMillis(), Optional.empty());
    }

    /** Every event's function has no dead-letter queue: the directory knows no function. */
    private static FunctionDirectory noDirectory() {
        return (FunctionDirectory) Proxy.newProxyInstance(FunctionDirectory.class.getClassLoader(),
                new Class<?>[]{FunctionDirectory.class}, (proxy, method, args) -> {
                    throw LambdaException.notFound("no functions in this test");
                });
    }

    private static EventInvokeConfigs configs(int retries) {
        return new EventInvokeConfigs() {
            @Override
            public EventInvokeConfig effective(String functionName, Optional<String> qualifier) {
                return new EventInvokeConfig(functionName, "$LATEST", Optional.of(retries), Optional.empty(),
                        Optional.empty(), Optional.empty(), Instant.EPOCH);
            }

            @Override
            public EventInvokeConfig put(String f, Optional<String> q, EventInvokeSettings s) {
                throw new UnsupportedOperationException();
            }

            @Override
            public EventInvokeConfig update(String f, Optional<String> q, EventInvokeSettings s) {
                throw new UnsupportedOperationException();
            }

            @Override
            public EventInvokeConfig get(String f, Optional<String> q) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void delete(String f, Optional<String> q) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Page list(String f, Optional<String> marker, Optional<Integer> maxItems) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String arnOf(EventInvokeConfig config) {
                return "arn:aws:lambda:us-east-1:000000000000:function:" + config.functionName() + ":$LATEST";
            }
        };
    }

    /** A router whose n-th call (from 1) answers as {@code script} says. */
    private static final class FakeRouter implements InvocationRouter {
        final List<InvocationCall> calls = Collections.synchronizedList(new ArrayList<>());
        private final Function<Integer, CompletableFuture<InvocationResult>> script;

        FakeRouter(Function<Integer, CompletableFuture<InvocationResult>> script) {
            this.script = script;
        }

        @Override
        public CompletableFuture<InvocationResult> invoke(InvocationCall call) {
            calls.add(call);
            return script.apply(calls.size());
        }
    }

    private static CompletableFuture<InvocationResult> ok() {
        return CompletableFuture.completedFuture(new InvocationResult(200, "$LATEST", Optional.empty(),
                "{}".getBytes(StandardCharsets.UTF_8), "application/json", Optional.empty()));
    }

    private static CompletableFuture<InvocationResult> functionError() {
        return CompletableFuture.completedFuture(new InvocationResult(200, "$LATEST", Optional.of("Unhandled"),
                "{\"errorMessage\":\"boom\"}".getBytes(StandardCharsets.UTF_8), "application/json", Optional.empty()));
    }

    private static CompletableFuture<InvocationResult> throttle() {
        return CompletableFuture.failedFuture(new LambdaException(ErrorCode.TOO_MANY_REQUESTS, "Rate Exceeded.",
                Map.of("Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"), null));
    }

    private <T extends AutoCloseable> T own(T resource) {
        cleanup.add(resource);
        return resource;
    }
}
