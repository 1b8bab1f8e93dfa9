package dev.hearth.pool;

import dev.hearth.environment.Environment;
import dev.hearth.environment.EnvironmentFactory;
import dev.hearth.environment.EnvironmentSpec;
import io.vertx.core.Vertx;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pool's part of a warm invoke: {@link EnvironmentPool#lease} of an idle environment and its return,
 * on the real pool ({@link EnvironmentPool#create}) with environments that are idle from the start. Two
 * returns: {@code release} (straight back to the idle stack) and {@code releaseWhenFinished}, the one the
 * invocation router uses: the environment is parked as finishing until its runtime is back on
 * {@code /next}, then goes idle.
 *
 * <p>The pool is primed with {@link #IDLE} environments, so up to that many benchmark threads
 * ({@code -t}) find one idle without a cold start.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WarmPoolBenchmark {
    private static final int IDLE = 4;
    private static final int MEMORY_MB = 128;

    private final PoolKey key = new PoolKey("my-function", "$LATEST", "revision-1");
    private final Supplier<EnvironmentSpec> spec = () -> new EnvironmentSpec("my-function",
            "arn:aws:lambda:us-east-1:000000000000:function:my-function", "$LATEST", "python3.12", "app.handler",
            MEMORY_MB, 3, 512, List.of("x86_64"), Map.of(), Path.of("/tmp"), Optional.empty(),
            "/aws/lambda/my-function", "Text", Optional.empty(), Optional.empty(), "on-demand");
    private Vertx vertx;
    private EnvironmentPool pool;

    @Setup
    public void setUp() {
        vertx = Vertx.vertx();
        EnvironmentFactory factory = new EnvironmentFactory() {
            @Override
            public Environment start(EnvironmentSpec s) {
                return new IdleEnvironment(s);
            }

            @Override
            public void close() {
            }
        };
        // A long keep-alive: the reaper must not take the primed environments during the run.
        pool = EnvironmentPool.create(factory, Runnable::run, Duration.ofHours(1), vertx);
        List<Lease> cold = new ArrayList<>();
        for (int i = 0; i < IDLE; i++) {
            cold.add(pool.lease(key, MEMORY_MB, spec).join());
        }
        cold.forEach(pool::release);
        Lease warm = pool.lease(key, MEMORY_MB, spec).join();
        pool.release(warm);
        if (warm.cold() || pool.size() != IDLE) {
            throw new IllegalStateException("the pool did not keep its primed environments: " + pool.size());
        }
    }

    @TearDown
    public void tearDown() {
        pool.close();
        vertx.close().await();
    }

    @Benchmark
    public Lease leaseThenRelease() {
        Lease lease = pool.lease(key, MEMORY_MB, spec).join();
        pool.release(lease);
        return lease;
    }

    @Benchmark
    public Lease leaseThenReleaseWhenFinished() {
        Lease lease = pool.lease(key, MEMORY_MB, spec).join();
        CompletableFuture<Boolean> finished = new CompletableFuture<>();
        pool.releaseWhenFinished(lease, finished);
        finished.complete(true);
        return lease;
    }
}
