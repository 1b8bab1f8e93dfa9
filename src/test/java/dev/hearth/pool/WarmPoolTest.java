package dev.hearth.pool;

import dev.hearth.core.LambdaException;
import dev.hearth.environment.Environment;
import dev.hearth.environment.EnvironmentFactory;
import dev.hearth.environment.EnvironmentSpec;
import dev.hearth.environment.Invocation;
import dev.hearth.environment.InvokeRequest;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The pool's guards (scaling rate, memory budget) and provisioned sets, with in-process environments. */
class WarmPoolTest {

    /** An environment whose init the test completes or fails; it never runs invocations. */
    static final class StubEnvironment implements Environment {
        final EnvironmentSpec spec;
        final CompletableFuture<Void> init = new CompletableFuture<>();
        final CompletableFuture<Void> stopped = new CompletableFuture<>();

        StubEnvironment(EnvironmentSpec spec) {
            this.spec = spec;
        }

        @Override
        public String id() {
            return "stub-" + System.identityHashCode(this);
        }

        @Override
        public EnvironmentSpec spec() {
            return spec;
        }

        @Override
        public Invocation invoke(InvokeRequest request) {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public boolean isIdle() {
            return !isStopped();
        }

        @Override
        public boolean isStopped() {
            return stopped.isDone();
        }

        @Override
        public CompletableFuture<Void> initialized() {
            return init;
        }

        @Override
        public CompletableFuture<Void> stopped() {
            return stopped;
        }

        @Override
        public void shutdown(String reason) {
            if (!init.isDone()) {
                init.completeExceptionally(new IllegalStateException("stopped"));
            }
            stopped.complete(null);
        }

        @Override
        public long lastUsedNanos() {
            return 0;
        }
    }

    private final List<StubEnvironment> started = new CopyOnWriteArrayList<>();
    /** Whether new environments finish init at once. */
    private volatile boolean initAtOnce = true;
    private final EnvironmentFactory factory = new EnvironmentFactory() {
        @Override
        public Environment start(EnvironmentSpec spec) {
            StubEnvironment env = new StubEnvironment(spec);
            started.add(env);
            if (initAtOnce) {
                env.init.complete(null);
            }
            return env;
        }

        @Override
        public void close() {
        }
    };
    private Vertx vertx;
    private EnvironmentPool pool;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() {
        if (pool != null) {
            pool.close();
        }
        vertx.close().await();
    }

    private EnvironmentPool pool(long memoryBudgetMb, int scaleUp, Duration keepAlive) {
        pool = EnvironmentPool.create(factory, Runnable::run, keepAlive, vertx, memoryBudgetMb, scaleUp);
        return pool;
    }

    private static PoolKey key(String function) {
        return new PoolKey(function, "$LATEST", "rev");
    }

    private static Supplier<EnvironmentSpec> spec(String function, int memoryMb, String type) {
        return () -> new EnvironmentSpec(function, "arn:aws:lambda:us-east-1:000000000000:function:" + function,
                "$LATEST", "python3.12", "app.handler", memoryMb, 3, 512, List.of("x86_64"), Map.of(), Path.of("/tmp"),
                Optional.empty(), "/aws/lambda/" + function, "Text", Optional.empty(), Optional.empty(), type);
    }

    private Lease lease(String function, int memoryMb) {
        return pool.lease(key(function), memoryMb, spec(function, memoryMb, "on-demand")).join();
    }

    private static LambdaException refusal(Runnable call) {
        Throwable t = catchThrowable(call::run);
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        assertThat(cause).isInstanceOf(LambdaException.class);
        return (LambdaException) cause;
    }

    @Test
    void lease_beyondTheScalingRate_isRefusedWith429() {
        pool(4096, 2, Duration.ofMinutes(10));
        lease("f", 128);
        lease("f", 128);

        LambdaException e = refusal(() -> lease("f", 128));

        assertThat(e.code().httpStatus()).isEqualTo(429);
        assertThat(e.getMessage()).isEqualTo("Rate Exceeded.");
        assertThat(e.extraFields()).containsEntry("Reason", "FunctionInvocationRateLimitExceeded");
        assertThat(lease("g", 128).cold()).as("other functions have their own rate").isTrue();
    }

    @Test
    void aWarmLease_isNotCountedByTheScalingRate() {
        pool(4096, 1, Duration.ofMinutes(10));
        pool.release(lease("f", 128));

        Lease warm = lease("f", 128);

        assertThat(warm.cold()).isFalse();
    }

    @Test
    void memoryBudget_evictsAnotherFunctionsIdleEnvironment_thenRefusesWhenOnlyBusyOnesRemain() {
        pool(256, 100, Duration.ofMinutes(10));
        Lease small = lease("small", 128);
        pool.release(small);

        Lease big = lease("big", 256);

        assertThat(small.environment().isStopped()).as("evicted to make room").isTrue();
        assertThat(pool.memoryInUseMb()).isEqualTo(256);
        LambdaException e = refusal(() -> lease("small", 128));
        assertThat(e.code().httpStatus()).isEqualTo(429);
        assertThat(e.extraFields()).containsEntry("Reason", "ConcurrentInvocationLimitExceeded");
        assertThat(e.getMessage()).isEqualTo("The node's memory budget is full: environments use 256 MB of 256 MB,"
                + " small needs 128 MB more, and no idle environment can be evicted to make room (the rest are busy"
                + " or provisioned).");

        big.environment().shutdown("test");
        assertThat(pool.memoryInUseMb()).as("a stopped environment gives its memory back").isZero();
        assertThat(lease("small", 128).cold()).isTrue();
    }

    @Test
    void provisionedSet_startsItsEnvironments_reportsReady_andIsLeasedFirst() {
        pool(4096, 1, Duration.ofMinutes(10));
        AtomicReference<ProvisionedProgress> last = new AtomicReference<>();

        EnvironmentPool.Provisioned set = pool.provision(key("f"), 128, 2, spec("f", 128, "provisioned-concurrency"),
                last::set);

        await().atMost(Duration.ofSeconds(5)).until(() -> last.get() != null && last.get().ready());
        assertThat(started).hasSize(2).allSatisfy(e -> assertThat(e.spec.initializationType())
                .isEqualTo("provisioned-concurrency"));
        assertThat(last.get()).isEqualTo(new ProvisionedProgress(2, 2, 2, Optional.empty()));
        Optional<Lease> leased = pool.leaseProvisioned(key("f"));
        assertThat(leased).hasValueSatisfying(l -> assertThat(l.provisioned()).isTrue());
        assertThat(pool.leaseProvisioned(key("f"))).isPresent();
        assertThat(pool.leaseProvisioned(key("f"))).as("both are busy").isEmpty();
        assertThat(pool.leaseProvisioned(key("other"))).isEmpty();

        pool.release(leased.get());
        assertThat(pool.leaseProvisioned(key("f"))).as("back in its set").isPresent();
        set.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> started.stream().filter(e -> e.isStopped()).count() >= 1);
    }

    @Test
    void aFinishingProvisionedEnvironment_isClaimedOnceByTheNextInvoke_andShutDownWhenNotReusable() {
        pool(4096, 1, Duration.ofMinutes(10));
        AtomicReference<ProvisionedProgress> last = new AtomicReference<>();
        pool.provision(key("f"), 128, 1, spec("f", 128, "provisioned-concurrency"), last::set);
        await().atMost(Duration.ofSeconds(5)).until(() -> last.get() != null && last.get().ready());
        Lease first = pool.leaseProvisioned(key("f")).orElseThrow();
        CompletableFuture<Boolean> finished = new CompletableFuture<>();

        pool.releaseWhenFinished(first, finished);

        assertThat(pool.leaseProvisioned(key("f"))).as("answered, not idle yet").isEmpty();
        Optional<CompletableFuture<Optional<Lease>>> claim = pool.claimFinishingProvisioned(key("f"));
        assertThat(claim).isPresent();
        assertThat(pool.claimFinishingProvisioned(key("f"))).as("claimed once").isEmpty();
        assertThat(claim.get()).as("waits for the runtime's next /next").isNotDone();
        finished.complete(true);
        Lease second = claim.get().join().orElseThrow();
        assertThat(second.environment()).isSameAs(first.environment());
        assertThat(second.provisioned()).isTrue();

        CompletableFuture<Boolean> crashed = new CompletableFuture<>();
        pool.releaseWhenFinished(second, crashed);
        CompletableFuture<Optional<Lease>> third = pool.claimFinishingProvisioned(key("f")).orElseThrow();
        crashed.complete(false);

        assertThat(third.join()).as("not reusable: the invoke goes on demand").isEmpty();
        assertThat(first.environment().isStopped()).isTrue();
    }

    @Test
    void provisionedSet_recreatesAnEnvironmentThatDies() {
        pool(4096, 1, Duration.ofMinutes(10));
        AtomicReference<ProvisionedProgress> last = new AtomicReference<>();
        pool.provision(key("f"), 128, 1, spec("f", 128, "provisioned-concurrency"), last::set);
        await().atMost(Duration.ofSeconds(5)).until(() -> last.get() != null && last.get().ready());

        started.getFirst().shutdown("crash");

        await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2 && last.get().ready());
        assertThat(started.get(1).isStopped()).isFalse();
    }

    @Test
    void provisionedSet_whenInitFails_reportsFunctionErrorInitFailure_andStopsTrying() {
        pool(4096, 1, Duration.ofMinutes(10));
        initAtOnce = false;
        AtomicReference<ProvisionedProgress> last = new AtomicReference<>();
        pool.provision(key("f"), 128, 1, spec("f", 128, "provisioned-concurrency"), last::set);

        started.getFirst().init.completeExceptionally(new IllegalStateException("Runtime.ExitError"));

        await().atMost(Duration.ofSeconds(5)).until(() -> last.get().failure().isPresent());
        assertThat(last.get().failure()).hasValue("FUNCTION_ERROR_INIT_FAILURE");
        assertThat(started).as("nothing re-created after an init failure").hasSize(1);
    }

    @Test
    void provisionedEnvironments_areNeverReaped_butIdleOnDemandOnesAre() {
        pool(4096, 10, Duration.ofMillis(10));
        AtomicReference<ProvisionedProgress> last = new AtomicReference<>();
        pool.provision(key("p"), 128, 1, spec("p", 128, "provisioned-concurrency"), last::set);
        await().atMost(Duration.ofSeconds(5)).until(() -> last.get() != null && last.get().ready());
        Lease onDemand = lease("d", 128);
        pool.release(onDemand);

        await().atMost(Duration.ofSeconds(10)).until(() -> onDemand.environment().isStopped());

        assertThat(started.getFirst().isStopped()).isFalse();
        assertThat(pool.leaseProvisioned(key("p"))).isPresent();
    }

    @Test
    void provisionedEnvironments_countAgainstTheMemoryBudget_andAreNeverEvicted() {
        pool(256, 10, Duration.ofMinutes(10));
        AtomicReference<ProvisionedProgress> last = new AtomicReference<>();
        pool.provision(key("p"), 128, 1, spec("p", 128, "provisioned-concurrency"), last::set);
        await().atMost(Duration.ofSeconds(5)).until(() -> last.get() != null && last.get().ready());

        LambdaException e = refusal(() -> lease("big", 256));

        assertThat(e.getMessage()).contains("128 MB of 256 MB");
        assertThat(started.getFirst().isStopped()).isFalse();
    }
}
